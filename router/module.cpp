// placeholder so the router library has a translation unit until its first file lands.
