import sharpgrad as aesara
from sharpgrad.gradient import grad_scale

x = aesara.tensor.fscalar()
fx = aesara.tensor.sin(x)
fp = aesara.grad(fx, wrt=x)
fprime = aesara.function([x], fp)
print(fprime(2))  # -0.416
f_inverse = grad_scale(fx, -1.)
fpp = aesara.grad(f_inverse, wrt=x)
fpprime = aesara.function([x], fpp)
print(fpprime(2))  # 0.416
