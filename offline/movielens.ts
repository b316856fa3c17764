// Reads MovieLens 100K (u.data, u.item, u.user) from a directory into plain records. The data stays where it is
// (../shared/data/ml-100k by default); nothing is copied into the repository.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface Rating { userId: string; itemId: string; rating: number; timestamp: number }
export interface Movie { itemId: string; title: string; releaseDate: number | null; genres: string[] }
export interface MovieLensUser { userId: string; age: number; gender: string; occupation: string }
export interface MovieLens { ratings: Rating[]; movies: Movie[]; users: MovieLensUser[] }

const GENRES = ["unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama",
  "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western"];

export function movieLensDir(dataDir: string): string {
  return existsSync(join(dataDir, "u.data")) ? dataDir : join(dataDir, "ml-100k");
}

export function hasMovieLens(dataDir: string): boolean {
  return existsSync(join(movieLensDir(dataDir), "u.data"));
}

function lines(file: string): string[] {
  // u.item holds a few Latin-1 titles ("Misérables"), so decode as Latin-1 rather than UTF-8.
  return readFileSync(file, "latin1").split("\n").filter((line) => line.trim().length > 0);
}

export function readMovieLens(dataDir: string): MovieLens {
  const dir = movieLensDir(dataDir);
  if (!existsSync(join(dir, "u.data"))) throw new Error(`MovieLens 100K not found: no u.data in ${dir}`);
  const ratings = lines(join(dir, "u.data")).map((line) => {
    const [userId, itemId, rating, timestamp] = line.split("\t");
    return { userId: userId!, itemId: itemId!, rating: Number(rating), timestamp: Number(timestamp) * 1000 };
  });
  const movies = lines(join(dir, "u.item")).map((line) => {
    const fields = line.split("|");
    const released = Date.parse(fields[2] ?? "");
    return {
      itemId: fields[0]!,
      title: fields[1]!,
      releaseDate: Number.isFinite(released) ? released : null,
      genres: GENRES.filter((_, g) => fields[5 + g] === "1" && GENRES[g] !== "unknown"),
    };
  });
  const users = lines(join(dir, "u.user")).map((line) => {
    const [userId, age, gender, occupation] = line.split("|");
    return { userId: userId!, age: Number(age), gender: gender!, occupation: occupation! };
  });
  return { ratings, movies, users };
}
