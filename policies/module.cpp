// placeholder so the policies library has a translation unit until its first file lands.
