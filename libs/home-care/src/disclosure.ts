/**
 * The smallest count of residents the steering group is shown: the catalogue's MIN_CELL_SIZE
 * (libs/catalogue/src/disclosure.ts, docs/catalogue.md "Minimum cell size"). Restated here because
 * a service library may not import another service; test/follow-up.spec.ts fails if they differ.
 */
export const MIN_CELL_SIZE = 5;
