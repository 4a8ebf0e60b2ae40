import Augment
print(PNG.libpngVersion)
