/** Write routes (create, update, upsert, delete); filled in by ../writes.ts. */
import express from 'express';
import type { Router } from 'express';
import type { ZohoContext } from './context.ts';

export function writesRouter(_ctx: ZohoContext): Router {
  return express.Router();
}
