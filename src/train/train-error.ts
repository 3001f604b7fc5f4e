// A training run that cannot go on (diverged, unusable checkpoint, bad plan): the CLI prints the message.
export class TrainError extends Error {}
