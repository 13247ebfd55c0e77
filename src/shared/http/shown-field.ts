/**
 * A field path as an answer shows it: a body's key can be 1 MiB long, and a 400 must not echo it
 * whole. Its first and last 100 code points, joined by an ellipsis: the end of a path names the
 * field, its start where it is. (No imports: the CLI's bundle reader uses the JSON body checks too.)
 */
export const shownField = (field: string): string => {
  if (field.length <= 201) return field;
  const characters = Array.from(field);
  return characters.length <= 201 ? field : `${characters.slice(0, 100).join('')}…${characters.slice(-100).join('')}`;
};
