import sharpgrad as aesara
from sharpgrad.gradient import grad_clip

x = aesara.tensor.type.scalar()
z = aesara.gradient.grad(grad_clip(x, -1, 1)**2, x)
z2 = aesara.gradient.grad(x**2, x)
f = aesara.function([x], outputs = [z, z2])
print(f(2.0))
