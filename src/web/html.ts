// Text made safe to put into HTML built as strings by the playground's panes.

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

export const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ENTITIES[c]);
