/** The largest pages the admin lists answer: their resolvers enforce them, the gateway's cost limit counts with them. */
export const REVIEW_QUEUE_MAX_PAGE = 500;
export const DATA_QUALITY_MAX_PAGE = 200;
/** The most review pairs one `acceptMatches` / `rejectMatches` call decides (each is a merge or a split of links). */
export const REVIEW_BULK_MAX_IDS = 100;
