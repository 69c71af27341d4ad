// Printing opens every collapsed callout, so paper shows what the screen folds away.
