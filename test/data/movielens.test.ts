import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadMovieLens, MOVIELENS_COLUMNS } from '../../src/data/movielens.js';

const DIR = join(fileURLToPath(import.meta.url), '../../fixtures/data/movielens');
const files = { ratings: join(DIR, 'ratings.csv'), movies: join(DIR, 'movies.csv'), tags: join(DIR, 'tags.csv') };

describe('MovieLens loader', () => {
  it('builds the POSO rows, worked out by hand from the fixture files', async () => {
    const r = await loadMovieLens(files, { newUserThreshold: 2, history: 2 });
    expect(r.errors).toEqual([]);
    expect(r.columns).toEqual([...MOVIELENS_COLUMNS, 'title', 'genres']);
    const toy = { title: 'Toy Story (1995)', genres: 'Adventure|Animation|Children' };
    const heat = { title: 'Heat, The (1995)', genres: 'Action|Crime|Thriller' };
    const birdcage = { title: 'Birdcage, The (1996)', genres: 'Comedy' };
    const none = { title: '', genres: '' };
    expect(r.rows).toEqual([
      // user 1: ratings at 300, 500, 500 (file order: movie 20 before 30), 600; tags at 200, 400, 500
      { user_id: '1', movie_id: '10', rating: 5, timestamp: 300, rated_movies: '', rated_tags: 'funny, dark', avc: 0, is_new: 'new', ...toy },
      { user_id: '1', movie_id: '20', rating: 3.5, timestamp: 500, rated_movies: '10', rated_tags: 'funny, dark|pixar', avc: 1, is_new: 'new', ...heat },
      { user_id: '1', movie_id: '30', rating: 1, timestamp: 500, rated_movies: '10|20', rated_tags: 'funny, dark|pixar', avc: 2, is_new: 'regular', ...birdcage },
      { user_id: '1', movie_id: '40', rating: 3, timestamp: 600, rated_movies: '20|30', rated_tags: 'pixar|classic', avc: 3, is_new: 'regular', ...none },
      // user 2: the tag "boring|slow" (at 950) becomes "boring slow"
      { user_id: '2', movie_id: '30', rating: 2, timestamp: 900, rated_movies: '', rated_tags: '', avc: 0, is_new: 'new', ...birdcage },
      { user_id: '2', movie_id: '10', rating: 4, timestamp: 1000, rated_movies: '30', rated_tags: 'boring slow', avc: 1, is_new: 'new', ...toy },
      // user 10 comes after user 2: ids sort as numbers
      { user_id: '10', movie_id: '20', rating: 4.5, timestamp: 100, rated_movies: '', rated_tags: '', avc: 0, is_new: 'new', ...heat },
    ]);
  });

  it('defaults: 30 for new users and for the histories; ratings alone are enough', async () => {
    const r = await loadMovieLens({ ratings: files.ratings });
    expect(r.columns).toEqual(MOVIELENS_COLUMNS);
    expect(r.rows.map((x) => x.is_new)).toEqual(Array(7).fill('new'));
    expect(r.rows.map((x) => x.rated_movies)).toEqual(['', '10', '10|20', '10|20|30', '', '30', '']);
    expect(r.rows.every((x) => x.rated_tags === '')).toBe(true);
  });

  it('reports bad rows with file and row, or skips them', async () => {
    const bad = join(DIR, 'ratings-bad.csv');
    const r = await loadMovieLens({ ratings: bad });
    expect(r.rows).toEqual([]);
    expect(r.errors.map((e) => [e.file, e.row, e.code, e.column])).toEqual([
      [bad, 3, 'REC6002', 'rating'],
      [bad, 4, 'REC6003', undefined],
    ]);
    const s = await loadMovieLens({ ratings: bad }, { skipBadRows: true });
    expect(s.skipped).toBe(2);
    expect(s.rows).toHaveLength(1);
    expect((await loadMovieLens({ ratings: files.movies })).errors).toMatchObject([{ row: 1, code: 'REC6001' }]);
  });
});
