import numpy as np, glob, sys, collections, csv
sys.path.insert(0, "/work/main/bench/adbench"); import protocol
from sklearn.neighbors import NearestNeighbors
res=collections.defaultdict(dict)
def tailp(cal, s):
    c=np.sort(cal); return (1+len(c)-np.searchsorted(c, s, side='left'))/(len(c)+1)
for f in sorted(glob.glob('raw/*.npz')):
    z=np.load(f); name,seed=f[4:-4].rsplit('_',1)
    y=z['y']; ftr=z['ftr']; fte=z['fte']
    mu=ftr.mean(0); sd=ftr.std(0); sd=np.where(sd>0,sd,1e-3); X1=(ftr-mu)/sd; X2=(fte-mu)/sd
    nn=NearestNeighbors(n_neighbors=6).fit(X1); dtr,_=nn.kneighbors(X1,6); dte,_=nn.kneighbors(X2,5)
    ktr=dtr[:,1:].mean(1); kte=dte.mean(1)
    a_tr=z['ae_tr']; a_te=z['ae_te']
    res['knn'][(name,seed)]=protocol.auroc(y,kte)
    res['fisher'][(name,seed)]=protocol.auroc(y,-np.log(tailp(ktr,kte))-np.log(tailp(a_tr,a_te)))
    res['rankmax'][(name,seed)]=protocol.auroc(y,np.maximum(-np.log(tailp(ktr,kte)),-np.log(tailp(a_tr,a_te))))
    # z in log space
    lk=np.log(ktr+1e-9); la=np.log(a_tr+1e-9)
    res['logz'][(name,seed)]=protocol.auroc(y,(np.log(kte+1e-9)-lk.mean())/lk.std()+(np.log(a_te+1e-9)-la.mean())/la.std())
    res['logz.3'][(name,seed)]=protocol.auroc(y,0.7*(np.log(kte+1e-9)-lk.mean())/lk.std()+0.3*(np.log(a_te+1e-9)-la.mean())/la.std())
for v,r in res.items():
    sets=sorted({n for n,_ in r})
    per={n:np.mean([r[k] for k in r if k[0]==n]) for n in sets}
    print(v, round(np.mean(list(per.values())),4), ' '.join(f"{n[:6]}:{per[n]:.3f}" for n in sets))
