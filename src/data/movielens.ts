// MovieLens (https://grouplens.org/datasets/movielens/, the ml-latest / ml-20m / ml-25m layout):
//   ratings.csv  userId,movieId,rating,timestamp
//   movies.csv   movieId,title,genres      (titles may hold quoted commas; genres "A|B")
//   tags.csv     userId,movieId,tag,timestamp
// turned into the rows of the POSO setting (POSO §5.3), one per rating, users in id order and
// each user's ratings in time order (ties keep file order):
//   user_id, movie_id, rating, timestamp
//   rated_movies  the movies this user rated before this rating, at most 30, oldest first, "|"-joined
//   rated_tags    the tags this user applied strictly before this rating's time, at most 30,
//                 oldest first, "|"-joined ("|" inside a tag becomes " ")
//   avc           accumulated view count: how many ratings the user gave before this one
//   is_new        "new" when avc < threshold (default 30), else "regular": the group label
//   title, genres when movies.csv is given ("" for a movie it does not list)
// The synthetic `poso` setting (src/data/synth/poso.ts, both versions) has the same columns.
// Everything is held in memory: fine for ml-latest-small and ml-1m-sized files, heavy for ml-25m.
import { streamRows } from './read.js';
import { newReport } from './record.js';
import type { DataError, Row } from './row.js';

export interface MovieLensFiles {
  ratings: string;
  movies?: string;
  tags?: string;
}

export interface MovieLensOptions {
  /** avc below this is a new user (POSO: new users have few ratings). Default 30. */
  newUserThreshold?: number;
  /** Longest rated_movies / rated_tags history. Default 30. */
  history?: number;
  skipBadRows?: boolean;
}

export interface Rating {
  userId: string;
  movieId: string;
  rating: number;
  timestamp: number;
}

export interface Tag {
  userId: string;
  movieId: string;
  tag: string;
  timestamp: number;
}

export interface Movie {
  title: string;
  genres: string;
}

export const MOVIELENS_COLUMNS = ['user_id', 'movie_id', 'rating', 'timestamp', 'rated_movies', 'rated_tags', 'avc', 'is_new'];

function byUser<T extends { userId: string; timestamp: number }>(xs: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const g = m.get(x.userId);
    if (g) g.push(x);
    else m.set(x.userId, [x]);
  }
  // Array.prototype.sort is stable: equal timestamps keep file order
  for (const g of m.values()) g.sort((a, b) => a.timestamp - b.timestamp);
  return m;
}

/** Numeric ids in numeric order, other ids after them as text. */
function compareIds(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  const nx = a.trim() !== '' && Number.isFinite(x);
  const ny = b.trim() !== '' && Number.isFinite(y);
  if (nx && ny) return x - y || (a < b ? -1 : a > b ? 1 : 0);
  if (nx !== ny) return nx ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The POSO rows of parsed ratings, tags and movies (see the file header). */
export function movieLensRows(ratings: readonly Rating[], tags: readonly Tag[] = [], movies?: ReadonlyMap<string, Movie>, opts: MovieLensOptions = {}): Row[] {
  const threshold = opts.newUserThreshold ?? 30;
  const maxHist = opts.history ?? 30;
  const ratingsBy = byUser(ratings);
  const tagsBy = byUser(tags);
  const rows: Row[] = [];
  for (const user of [...ratingsBy.keys()].sort(compareIds)) {
    const rs = ratingsBy.get(user)!;
    const ts = tagsBy.get(user) ?? [];
    let tagsBefore = 0; // ts[0..tagsBefore) were applied strictly before the current rating
    rs.forEach((r, avc) => {
      while (tagsBefore < ts.length && ts[tagsBefore]!.timestamp < r.timestamp) tagsBefore++;
      const row: Row = {
        user_id: r.userId,
        movie_id: r.movieId,
        rating: r.rating,
        timestamp: r.timestamp,
        rated_movies: rs.slice(Math.max(0, avc - maxHist), avc).map((p) => p.movieId).join('|'),
        rated_tags: ts.slice(Math.max(0, tagsBefore - maxHist), tagsBefore).map((t) => t.tag).join('|'),
        avc,
        is_new: avc < threshold ? 'new' : 'regular',
      };
      if (movies) {
        const m = movies.get(r.movieId);
        row.title = m?.title ?? '';
        row.genres = m?.genres ?? '';
      }
      rows.push(row);
    });
  }
  return rows;
}

export interface MovieLensResult {
  columns: string[];
  rows: Row[];
  errors: DataError[];
  skipped: number;
}

/** Read the MovieLens files and build the POSO rows; file problems are errors with file and row. */
export async function loadMovieLens(files: MovieLensFiles, opts: MovieLensOptions = {}): Promise<MovieLensResult> {
  const skipBadRows = opts.skipBadRows ?? false;
  const errors: DataError[] = [];
  let skipped = 0;
  const read = async (file: string, required: string[], numeric: string[], each: (r: Row) => void) => {
    const report = newReport();
    for await (const { row } of streamRows(file, { skipBadRows, required, numeric }, report)) each(row);
    errors.push(...report.errors);
    skipped += report.skipped;
  };
  const ratings: Rating[] = [];
  await read(files.ratings, ['userId', 'movieId'], ['rating', 'timestamp'], (r) =>
    ratings.push({ userId: String(r.userId).trim(), movieId: String(r.movieId).trim(), rating: Number(r.rating), timestamp: Number(r.timestamp) }),
  );
  const tags: Tag[] = [];
  if (files.tags) {
    await read(files.tags, ['userId', 'movieId', 'tag'], ['timestamp'], (r) => {
      const tag = String(r.tag ?? '').replaceAll('|', ' ').trim();
      if (tag !== '') tags.push({ userId: String(r.userId).trim(), movieId: String(r.movieId).trim(), tag, timestamp: Number(r.timestamp) });
    });
  }
  let movies: Map<string, Movie> | undefined;
  if (files.movies) {
    movies = new Map();
    const m = movies;
    await read(files.movies, ['movieId', 'title', 'genres'], [], (r) => m.set(String(r.movieId).trim(), { title: String(r.title ?? ''), genres: String(r.genres ?? '') }));
  }
  const columns = movies ? [...MOVIELENS_COLUMNS, 'title', 'genres'] : [...MOVIELENS_COLUMNS];
  if (errors.length > 0) return { columns, rows: [], errors, skipped };
  return { columns, rows: movieLensRows(ratings, tags, movies, opts), errors, skipped };
}
