/**
 * The names code generators give an OpenAPI operationId, a tag or a parameter in each language's
 * convention, as openapi-generator writes them: camelCase (TypeScript, JavaScript), snake_case
 * (Python), PascalCase (Go methods, API class names).
 */

/** `get_pet-by id` → `getPetById`; an existing camelCase name is kept (`getHTTPStatus`). */
export function toCamelCase(name: string): string {
  const pascal = toPascalCase(name);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}

/** `getPetById`, `get_pet_by_id`, `pet store` → `GetPetById`, `PetStore`. */
export function toPascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/** `getPetById` → `get_pet_by_id`, `getHTTPStatus` → `get_http_status`, `listPetsV2` → `list_pets_v2`. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .join('_')
    .toLowerCase();
}
