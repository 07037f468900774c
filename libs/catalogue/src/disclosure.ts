/**
 * The smallest count of residents' use the catalogue publishes (docs/catalogue.md, "Minimum cell
 * size"). A municipality's count for a service, metric and month of 1 to 4 could point at the few
 * residents behind it, so it is shown as "fewer than 5" and left out of every sum, share and
 * benefit built from the counts; nothing published depends on it, so no total can back it out.
 * 0 is shown as 0. Figures not about residents (budgets, populations, stages) are not affected.
 */
export const MIN_CELL_SIZE = 5;
