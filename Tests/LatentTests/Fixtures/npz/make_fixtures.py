# Regenerates the .npz fixtures of NPZFileTests: python3 make_fixtures.py (numpy 2.4.6 made the committed ones).
import numpy as np

x = np.asfortranarray(np.arange(12, dtype="<f8").reshape(4, 3) / 4)   # as ADBench stores X
y = np.array([0, 0, 1, 0], dtype="<i4")
np.savez("stored.npz", X=x, y=y)                       # members stored (method 0)
np.savez_compressed("deflated.npz", X=x, y=y)          # members deflated (method 8)
np.savez_compressed("keys.npz", features=x.astype("<i2"), target=np.array([True, False, True, True]))
np.savez_compressed("no_labels.npz", X=x)
