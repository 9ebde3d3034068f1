import { Type } from "typebox";

/** 1–200 characters after trimming, no control characters (no line breaks in a title). */
export const Title = Type.String({ minLength: 1, maxLength: 200, pattern: "^[^\\u0000-\\u001F\\u007F]*$" });

export const TaskSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  done: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const TaskList = Type.Object({ tasks: Type.Array(TaskSchema) });

export const CreateTask = Type.Object({ title: Title }, { additionalProperties: false });

export const UpdateTask = Type.Object(
  { title: Type.Optional(Title), done: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);

export const TaskParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
