/** Input a client must fix (answered as BAD_USER_INPUT naming the field). Its own module so every check can throw it. */
export class WriteBackInputError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'WriteBackInputError';
  }
}
