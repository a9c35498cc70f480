/** The largest pages the admin lists answer: their resolvers enforce them, the gateway's cost limit counts with them. */
export const REVIEW_QUEUE_MAX_PAGE = 500;
export const DATA_QUALITY_MAX_PAGE = 200;
