# The ECG lesson in PyTorch, exactly as the tutorial does it (sklearn-style 80/20 split
# with random_state = seed, global min-max scaling on the training rows, 140-32-16-8-16-32-140,
# Adam, MAE, batch 512, 20 epochs, threshold = mean + std of the training MAE), to compare
# with `latent example ecg-anomaly --seed N`.
# Usage: python ecg_lesson_torch.py SEEDS glorot|default EPS [ecg.csv]
import numpy as np, torch, sys
from torch import nn
torch.set_num_threads(1)
path = sys.argv[4] if len(sys.argv) > 4 else '../shared/datasets/ecg5000/ecg.csv'
data = np.loadtxt(path, delimiter=',', dtype=np.float32)
X, y = data[:, :-1], data[:, -1].astype(bool)
def auc(scores, pos):
    order = np.argsort(scores); r = np.empty(len(scores)); r[order] = np.arange(1, len(scores)+1)
    n1 = pos.sum(); n0 = len(pos) - n1
    return (r[pos].sum() - n1*(n1+1)/2) / (n1*n0)
res=[]
for seed in range(int(sys.argv[1])):
    perm = np.random.RandomState(seed).permutation(len(X)); test = perm[:1000]; train = perm[1000:]
    torch.manual_seed(seed)
    xtr, xte = X[train], X[test]; lo, hi = xtr.min(), xtr.max()
    xtr = (xtr-lo)/(hi-lo); xte = (xte-lo)/(hi-lo); ntr = torch.tensor(xtr[y[train]])
    sizes=[140,32,16,8,16,32,140]; layers=[]
    for i,(a,b) in enumerate(zip(sizes[:-1],sizes[1:])):
        l=nn.Linear(a,b)
        if sys.argv[2]=='glorot': nn.init.xavier_uniform_(l.weight); nn.init.zeros_(l.bias)
        layers += [l, nn.Sigmoid() if i==5 else nn.ReLU()]
    m=nn.Sequential(*layers); opt=torch.optim.Adam(m.parameters(), lr=1e-3, eps=float(sys.argv[3]))
    for ep in range(20):
        idx=torch.randperm(len(ntr))
        for s in range(0,len(ntr),512):
            xb=ntr[idx[s:s+512]]; opt.zero_grad(); loss=(m(xb)-xb).abs().mean(); loss.backward(); opt.step()
    with torch.no_grad():
        etr=(m(ntr)-ntr).abs().mean(1).numpy(); thr=etr.mean()+etr.std()
        xt=torch.tensor(xte); e=(m(xt)-xt).abs().mean(1).numpy()
    lab=y[test]; pn=e<thr
    res.append(((pn==lab).mean(), (pn&lab).sum()/pn.sum(), (pn&lab).sum()/lab.sum(), auc(e,~lab)))
print(sys.argv[2], sys.argv[3], 'mean', np.round(np.mean(res,0),4), 'auroc', np.round([r[3] for r in res],4))
