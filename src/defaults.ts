// The small fixed environment guests get unless told otherwise (glibc scans it at start-up,
// so tests keep it small and identical everywhere).
export const DEFAULT_ENV = ["PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/", "LANG=C"];
