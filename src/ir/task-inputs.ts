// The graph inputs a task's loss reads besides the features: its label (`<task>/label`, float32
// [batch]) and, for the pairwise hinge loss, the rows of its (positive, negative) pairs
// (`<task>/pos`, `<task>/neg`, int32 [P]) that the trainer picks from the batch's labels. `/`
// cannot appear in a user's name, so these never collide with features, tasks or parameters.
export const labelInput = (task: string): string => `${task}/label`;
export const pairInputs = (task: string): [pos: string, neg: string] => [`${task}/pos`, `${task}/neg`];
/** A sampled-softmax next_item task's negatives (`<task>/negatives`, int32 [N]), drawn by the trainer per batch. */
export const negativesInput = (task: string): string => `${task}/negatives`;
