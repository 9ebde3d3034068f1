import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { createTask, deleteTask, type Task, updateTask } from "./api.js";

export const TASKS_KEY = ["tasks"] as const;

/**
 * An optimistic change on TanStack Query's cache: `apply` edits the cached list at once, an error
 * restores it, and the list is refetched either way so it ends as the server has it. (The query
 * client's cache API rather than `useMutation`, whose extra chunk would split the shared runtime
 * out of the initial bundle.)
 */
function useOptimistic<V>(
  run: (variables: V) => Promise<unknown>,
  apply: (tasks: Task[], variables: V) => Task[],
) {
  const client = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const mutate = useCallback(
    async (variables: V) => {
      setError(null);
      const previous = client.getQueryData<Task[]>(TASKS_KEY);
      const optimistic = apply(previous ?? [], variables);
      // At once, in the same event: a controlled checkbox must flip when it is clicked.
      client.setQueryData<Task[]>(TASKS_KEY, optimistic);
      // A refetch in flight must not land over it; cancelling may restore the list it started from.
      await client.cancelQueries({ queryKey: TASKS_KEY });
      client.setQueryData<Task[]>(TASKS_KEY, optimistic);
      try {
        await run(variables);
      } catch (failure) {
        if (previous) client.setQueryData(TASKS_KEY, previous);
        setError(failure);
      } finally {
        await client.invalidateQueries({ queryKey: TASKS_KEY });
      }
    },
    [client, run, apply],
  );
  return { mutate: (variables: V) => void mutate(variables), error: error as Error | null };
}

/** A task shown before the API has created it: it has no id the API knows yet. */
export const isPending = (task: Task) => task.id.startsWith("pending-");

const addPending = (tasks: Task[], title: string): Task[] => {
  const now = new Date().toISOString();
  return [...tasks, { id: `pending-${now}`, title, done: false, createdAt: now, updatedAt: now }];
};
const toggle = ({ id, done }: { id: string; done: boolean }) => updateTask(id, { done });
const setDone = (tasks: Task[], { id, done }: { id: string; done: boolean }) =>
  tasks.map((task) => (task.id === id ? { ...task, done } : task));
const without = (tasks: Task[], id: string) => tasks.filter((task) => task.id !== id);

export const useAddTask = () => useOptimistic(createTask, addPending);
export const useToggleTask = () => useOptimistic(toggle, setDone);
export const useDeleteTask = () => useOptimistic(deleteTask, without);
