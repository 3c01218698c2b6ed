// placeholder so the wire library has a translation unit until its first file lands.
