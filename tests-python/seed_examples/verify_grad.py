import numpy as np
import sharpgrad as aesara

aesara.gradient.verify_grad(aesara.tensor.tanh,
                            (np.asarray([[2, 3, 4], [-1, 3.3, 9.9]]),),
                            rng=np.random.default_rng(23098))
print("ok")
