// Composition root; filled in by the sidecar work.
return 0;
