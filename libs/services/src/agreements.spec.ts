import { MIN_CELL_SIZE as CATALOGUE_MIN_CELL_SIZE } from '@kommuna/catalogue';
import { HOME_CARE_MIN_CELL_SIZE } from '@kommuna/home-care';

// Services never import each other, not even in their tests; where two must agree, the composition
// that lists them both checks it.
describe('what the services must agree on', () => {
  it('home care withholds the same small cells from the steering group as the catalogue does', () => {
    expect(HOME_CARE_MIN_CELL_SIZE).toBe(CATALOGUE_MIN_CELL_SIZE);
  });
});
