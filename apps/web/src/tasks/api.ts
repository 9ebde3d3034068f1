// The Tasks API's own type (a type-only import: nothing of the API's code reaches the bundle).
import type { Task } from "@entra-bff/tasks-api";
import { getJson, send } from "../lib/api.js";

export type { Task };

export async function fetchTasks(signal?: AbortSignal): Promise<Task[]> {
  return (await getJson<{ tasks: Task[] }>("/api/tasks", signal)).tasks;
}

const json = { "content-type": "application/json" };

export async function createTask(title: string): Promise<Task> {
  const res = await send("/api/tasks", { method: "POST", headers: json, body: JSON.stringify({ title }) });
  return (await res.json()) as Task;
}

export async function updateTask(id: string, patch: { done: boolean }): Promise<Task> {
  const res = await send(`/api/tasks/${encodeURIComponent(id)}`, {
    method: "PATCH",
    headers: json,
    body: JSON.stringify(patch),
  });
  return (await res.json()) as Task;
}

export async function deleteTask(id: string): Promise<void> {
  await send(`/api/tasks/${encodeURIComponent(id)}`, { method: "DELETE" });
}
