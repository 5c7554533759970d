/** The command line: `kestra serve [--config F]`, `kestra init [--dir D]`, `kestra version`. */
import { parseArgs } from "node:util";

export type Command =
  | { name: "serve"; config: string | undefined }
  | { name: "init"; dir: string }
  | { name: "version" }
  | { name: "help" };

export const USAGE = `Usage:
  kestra serve [--config FILE]   run the appliance (config defaults to $KESTRA_CONFIG, then
                                 ./kestra.config.yaml, then embedded defaults)
  kestra init [--dir DIR]        write an annotated config and a fresh master key into DIR
  kestra version                 print the version`;

export class UsageError extends Error {
  override name = "UsageError";
}

export function parseCommand(argv: string[]): Command {
  const [name, ...rest] = argv;
  try {
    switch (name) {
      case "serve": {
        const { values } = parseArgs({ args: rest, options: { config: { type: "string" } } });
        return { name: "serve", config: values.config };
      }
      case "init": {
        const { values } = parseArgs({ args: rest, options: { dir: { type: "string" } } });
        return { name: "init", dir: values.dir ?? "." };
      }
      case "version":
      case "--version":
        return { name: "version" };
      case undefined:
      case "help":
      case "--help":
      case "-h":
        return { name: "help" };
      default:
        throw new UsageError(`unknown command '${name}'`);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
}
