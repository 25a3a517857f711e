// CLI entry; filled in by the emulator work.
return 0;
