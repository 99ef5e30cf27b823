# Regenerates the .npy fixtures of NPYFileTests: python3 make_fixtures.py (numpy 2.4.6 made the committed ones).
import numpy as np

np.save("f4_2x3.npy", (np.arange(6, dtype="<f4").reshape(2, 3) / 4 - 0.5).astype("<f4"))
np.save("f8_3.npy", np.array([1.5, -2.25, 1e-3], dtype="<f8"))
np.save("u1_2x2.npy", np.array([[0, 255], [7, 8]], dtype="|u1"))
np.save("i8_5.npy", np.array([3, 1, 4, 1, 5], dtype="<i8"))
np.save("f4_big_endian.npy", np.array([1.0, -2.5], dtype=">f4"))
np.save("f4_scalar.npy", np.array(3.5, dtype="<f4"))
np.save("f4_fortran.npy", np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)))
