// placeholder so the simulator library has a translation unit until its first file lands.
