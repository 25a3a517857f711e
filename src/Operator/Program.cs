// Composition root; filled in by the hosting work (issue: Kubernetes foundation).
return 0;
