import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ErrorPanel } from "../components/ErrorPanel.js";
import { PageSkeleton } from "../components/Skeleton.js";
import { useDocumentTitle } from "../lib/title.js";
import { fetchTasks } from "./api.js";
import { needsPermission, PermissionPrompt } from "./PermissionPrompt.js";
import { isPending, TASKS_KEY, useAddTask, useDeleteTask, useToggleTask } from "./queries.js";

/** The sample Tasks API through the BFF: list, add, complete, delete (optimistic). */
export function TasksPage() {
  useDocumentTitle("Tasks");
  const tasks = useQuery({ queryKey: TASKS_KEY, queryFn: ({ signal }) => fetchTasks(signal), retry: false });
  const add = useAddTask();
  const toggle = useToggleTask();
  const remove = useDeleteTask();
  const [title, setTitle] = useState("");
  const failed = tasks.error ?? add.error ?? toggle.error ?? remove.error;

  if (needsPermission(failed)) return <PermissionPrompt error={failed} />;
  if (tasks.isPending) return <PageSkeleton label="Loading your tasks…" />;
  if (tasks.isError) {
    return <ErrorPanel error={tasks.error} onRetry={() => tasks.refetch()} retrying={tasks.isFetching} />;
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = title.trim();
    if (!trimmed) return;
    add.mutate(trimmed);
    setTitle("");
  };

  return (
    <section className="card tasks" aria-labelledby="tasks-title">
      <h1 id="tasks-title">Tasks</h1>
      <form className="task-form" onSubmit={submit}>
        <label className="visually-hidden" htmlFor="new-task">
          New task
        </label>
        <input
          id="new-task"
          value={title}
          maxLength={200}
          placeholder="What needs doing?"
          onChange={(event) => setTitle(event.target.value)}
        />
        <button type="submit" className="button primary">
          Add
        </button>
      </form>
      {failed && (
        <p className="inline-error" role="alert">
          That change did not go through; the list shows what is saved.
        </p>
      )}
      {tasks.data.length === 0 ? (
        <p className="muted">No tasks yet.</p>
      ) : (
        <ul className="task-list">
          {tasks.data.map((task) => (
            <li key={task.id} className={task.done ? "done" : undefined}>
              <label>
                <input
                  type="checkbox"
                  checked={task.done}
                  disabled={isPending(task)}
                  onChange={() => toggle.mutate({ id: task.id, done: !task.done })}
                />
                <span>{task.title}</span>
              </label>
              <button
                type="button"
                className="link"
                aria-label={`Delete ${task.title}`}
                disabled={isPending(task)}
                onClick={() => remove.mutate(task.id)}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
