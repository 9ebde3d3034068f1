import { randomUUID } from "node:crypto";
import { ApiError } from "./errors.js";

export interface Task {
  id: string;
  title: string;
  done: boolean;
  createdAt: string;
  updatedAt: string;
}

export type TaskEvent =
  | { type: "task.created" | "task.updated"; task: Task }
  | { type: "task.deleted"; task: { id: string } };

type Listener = (event: TaskEvent) => void;

/** A user already holds the most tasks they may. */
export class TaskLimitError extends ApiError {
  constructor(limit: number) {
    super(409, "task_limit_reached", `You have reached the limit of ${limit} tasks; delete some first.`);
    this.name = "TaskLimitError";
  }
}

/**
 * In-memory tasks, partitioned by user key (`tid:oid`): every read and write names its user, so
 * no operation can reach another user's task. Changes are published to that user's listeners.
 */
export class TaskStore {
  private readonly tasks = new Map<string, Map<string, Task>>();
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(private readonly maxTasksPerUser: number) {}

  list(user: string): Task[] {
    return [...(this.tasks.get(user)?.values() ?? [])].map((task) => ({ ...task }));
  }

  create(user: string, title: string): Task {
    let own = this.tasks.get(user);
    if (!own) {
      own = new Map();
      this.tasks.set(user, own);
    }
    if (own.size >= this.maxTasksPerUser) throw new TaskLimitError(this.maxTasksPerUser);
    const now = new Date().toISOString();
    const task: Task = { id: randomUUID(), title, done: false, createdAt: now, updatedAt: now };
    own.set(task.id, task);
    this.publish(user, { type: "task.created", task: { ...task } });
    return { ...task };
  }

  /** Undefined when the user has no such task (whether or not someone else has). */
  update(user: string, id: string, patch: { title?: string; done?: boolean }): Task | undefined {
    const task = this.tasks.get(user)?.get(id);
    if (!task) return undefined;
    if (patch.title !== undefined) task.title = patch.title;
    if (patch.done !== undefined) task.done = patch.done;
    task.updatedAt = new Date().toISOString();
    this.publish(user, { type: "task.updated", task: { ...task } });
    return { ...task };
  }

  remove(user: string, id: string): boolean {
    const own = this.tasks.get(user);
    if (!own?.delete(id)) return false;
    if (own.size === 0) this.tasks.delete(user);
    this.publish(user, { type: "task.deleted", task: { id } });
    return true;
  }

  /** Calls `listener` with each of this user's changes until the returned function is called. */
  subscribe(user: string, listener: Listener): () => void {
    let own = this.listeners.get(user);
    if (!own) {
      own = new Set();
      this.listeners.set(user, own);
    }
    own.add(listener);
    return () => {
      own.delete(listener);
      if (own.size === 0) this.listeners.delete(user);
    };
  }

  subscriberCount(user: string): number {
    return this.listeners.get(user)?.size ?? 0;
  }

  private publish(user: string, event: TaskEvent): void {
    for (const listener of this.listeners.get(user) ?? []) listener(event);
  }
}
