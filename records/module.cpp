// placeholder so the records library has a translation unit until its first file lands.
