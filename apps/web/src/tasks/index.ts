// The Tasks page: a declared API (/api/tasks) behind the BFF, loaded only when opened.
export { TasksPage } from "./TasksPage.js";
