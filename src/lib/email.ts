import { z } from "zod";

/**
 * An email address as identity systems use it. Looser than zod's web-form rule on purpose:
 * appliance defaults such as `admin@localhost` have no dot in the domain.
 */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[^\s@]+@[^\s@]+$/, "expected an email address");
