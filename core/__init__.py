"""What every app uses and no domain owns: display helpers, the home-section registry,
enqueue_at, safe_next and the form-error helper. No models; imports no app."""
