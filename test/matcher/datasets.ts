import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Root of the shared datasets: $KTP_DATASETS, else <repo>/../shared/datasets. */
export const DATASETS = process.env.KTP_DATASETS ?? fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
export const fvc = (db: string, file: string): string => join(DATASETS, 'fvc2002', db, file);
