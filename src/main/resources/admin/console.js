/* Latchkey operators console (placeholder) */
