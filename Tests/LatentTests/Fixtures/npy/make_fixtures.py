# Regenerates the .npy fixtures of NPYFileTests: python3 make_fixtures.py (numpy 2.4.6 made the committed ones).
import numpy as np

np.save("f4_2x3.npy", (np.arange(6, dtype="<f4").reshape(2, 3) / 4 - 0.5).astype("<f4"))
np.save("f8_3.npy", np.array([1.5, -2.25, 1e-3], dtype="<f8"))
np.save("u1_2x2.npy", np.array([[0, 255], [7, 8]], dtype="|u1"))
np.save("i8_5.npy", np.array([3, 1, 4, 1, 5], dtype="<i8"))
np.save("f4_big_endian.npy", np.array([1.0, -2.5], dtype=">f4"))
np.save("f4_scalar.npy", np.array(3.5, dtype="<f4"))
np.save("f4_fortran.npy", np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)))
np.save("f4_fortran_2x3x4.npy", np.asfortranarray(np.arange(24, dtype="<f4").reshape(2, 3, 4)))
# Every other element type (issue 15: ADBench ships int16; labels are often bool).
np.save("i1_4.npy", np.array([-128, -1, 0, 127], dtype="|i1"))
np.save("i2_4.npy", np.array([-32768, -1, 0, 32767], dtype="<i2"))
np.save("i2_big_endian.npy", np.array([-2, 300], dtype=">i2"))
np.save("u2_3.npy", np.array([0, 1, 65535], dtype="<u2"))
np.save("u4_3.npy", np.array([0, 1, 4294967295], dtype="<u4"))
np.save("u8_3.npy", np.array([0, 1, 2**53], dtype="<u8"))
np.save("b1_4.npy", np.array([True, False, False, True]))
np.save("f2_6.npy", np.array([1.0, -2.5, 65504.0, 2**-24, np.inf, 0.0], dtype="<f2"))
