/**
 * The Frictionless Table Schema a dataset's versions carry, as a zod schema (it validates what a
 * publisher PUTs) with Mekong's extension `mekong:parse` saying how source text maps to a type.
 */
import { z } from "zod";

export const FIELD_TYPES = [
  "integer",
  "number",
  "string",
  "boolean",
  "date",
  "datetime",
  "time",
  "year",
] as const;

const Parse = z.strictObject({
  dateFormat: z.string().max(50).optional(),
  decimalChar: z.enum([".", ","]).optional(),
  groupChar: z.enum(["", ".", ",", " "]).optional(),
  trueValues: z.array(z.string().max(20)).max(20).optional(),
  falseValues: z.array(z.string().max(20)).max(20).optional(),
});

const Bound = z.union([z.number(), z.string().max(50)]);

export const TableSchemaField = z.strictObject({
  name: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "lowercase ASCII letters, digits and _"),
  type: z.enum(FIELD_TYPES),
  title: z.string().max(300).optional(),
  description: z.string().max(5000).optional(),
  format: z.string().max(100).optional(),
  constraints: z
    .strictObject({
      required: z.boolean().optional(),
      unique: z.boolean().optional(),
      minimum: Bound.optional(),
      maximum: Bound.optional(),
      minLength: z.number().int().min(0).optional(),
      maxLength: z.number().int().min(0).optional(),
      pattern: z.string().max(500).optional(),
      enum: z.array(z.unknown()).max(10_000).optional(),
    })
    .optional(),
  "mekong:parse": Parse.optional(),
});

export const TableSchemaBody = z
  .strictObject({
    fields: z.array(TableSchemaField).min(1).max(2000),
    primaryKey: z.array(z.string()).max(20).optional(),
    missingValues: z.array(z.string().max(50)).max(50).default([""]),
  })
  .superRefine((s, ctx) => {
    const names = new Set<string>();
    s.fields.forEach((f, i) => {
      if (names.has(f.name))
        ctx.addIssue({ code: "custom", path: ["fields", i, "name"], message: `duplicate field ${f.name}` });
      names.add(f.name);
    });
    (s.primaryKey ?? []).forEach((k, i) => {
      if (!names.has(k))
        ctx.addIssue({ code: "custom", path: ["primaryKey", i], message: `no field named ${k}` });
    });
  });
export type TableSchemaBody = z.infer<typeof TableSchemaBody>;
