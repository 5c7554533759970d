// Bun imports these as strings (`with { type: "text" }`), which embeds them in the binary.
declare module "*.sql" {
  const text: string;
  export default text;
}
declare module "*.yaml" {
  const text: string;
  export default text;
}
declare module "swagger-ui-dist/*" {
  const path: string;
  export default path;
}
