import numpy as np
import sharpgrad as aesara

x, t = aesara.tensor.fvector('x'), aesara.tensor.fvector('t')
w1 = aesara.shared(np.random.standard_normal((3,4)))
w2 = aesara.shared(np.random.standard_normal((4,2)))
a1 = aesara.tensor.tanh(aesara.tensor.dot(x,w1))
a2 = aesara.tensor.tanh(aesara.tensor.dot(a1,w2))
cost2 = aesara.tensor.sqr(a2 - t).sum()
cost2 += aesara.tensor.sqr(w2.sum())
cost1 = aesara.tensor.sqr(w1.sum())

params = [[w2],[w1]]
costs = [cost2,cost1]
grad_ends = [[a1], [x]]

next_grad = None
param_grads = []
for i in range(2):
    param_grad, next_grad = aesara.subgraph_grad(
        wrt=params[i], end=grad_ends[i],
        start=next_grad, cost=costs[i]
    )
    next_grad = dict(zip(grad_ends[i], next_grad))
    param_grads.extend(param_grad)
print(len(param_grads), [g.ndim for g in param_grads])
