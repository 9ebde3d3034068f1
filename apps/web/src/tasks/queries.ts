import { type QueryClient, useMutation, useQueryClient } from "@tanstack/react-query";
import { createTask, deleteTask, type Task, updateTask } from "./api.js";

export const TASKS_KEY = ["tasks"] as const;

/**
 * A mutation whose effect shows at once (optimistic): `apply` edits the cached list, an error
 * restores it, and the list is refetched either way so it ends as the server has it.
 */
function useOptimistic<V>(
  run: (variables: V) => Promise<unknown>,
  apply: (tasks: Task[], variables: V) => Task[],
) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: run,
    onMutate: async (variables: V) => {
      await client.cancelQueries({ queryKey: TASKS_KEY });
      const previous = client.getQueryData<Task[]>(TASKS_KEY);
      client.setQueryData<Task[]>(TASKS_KEY, (tasks) => apply(tasks ?? [], variables));
      return { previous };
    },
    onError: (_error, _variables, context) => restore(client, context?.previous),
    onSettled: () => client.invalidateQueries({ queryKey: TASKS_KEY }),
  });
}

function restore(client: QueryClient, previous: Task[] | undefined): void {
  if (previous) client.setQueryData(TASKS_KEY, previous);
}

export function useAddTask() {
  return useOptimistic(createTask, (tasks, title: string) => {
    const now = new Date().toISOString();
    return [...tasks, { id: `pending-${now}`, title, done: false, createdAt: now, updatedAt: now }];
  });
}

export function useToggleTask() {
  return useOptimistic(
    ({ id, done }: { id: string; done: boolean }) => updateTask(id, { done }),
    (tasks, { id, done }) => tasks.map((task) => (task.id === id ? { ...task, done } : task)),
  );
}

export function useDeleteTask() {
  return useOptimistic(deleteTask, (tasks, id: string) => tasks.filter((task) => task.id !== id));
}
