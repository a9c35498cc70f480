/** Every line of ours on the gateway process' stdout starts with this (pino and others may write there too). */
export const PREFIX = '@@change-latency ';
