import numpy as np, glob, sys, collections, csv
sys.path.insert(0, "/work/main/bench/adbench"); import protocol
from sklearn.neighbors import NearestNeighbors
peers=collections.defaultdict(list)
for r in csv.DictReader(open('/work/main/bench/adbench/results/peers.csv')):
    peers[(r['dataset'],r['method'])].append(float(r['auroc']))
def knn_scores(ftr,fte,k,mode,cap=None,seed=0):
    ref=ftr
    if cap and len(ftr)>cap: ref=ftr[np.random.default_rng(seed).choice(len(ftr),cap,replace=False)]
    nn=NearestNeighbors(n_neighbors=k).fit(ref)
    d,_=nn.kneighbors(fte,k)
    return d[:,k-1] if mode=='kth' else d.mean(1)
variants=sys.argv[1].split(';')
res=collections.defaultdict(dict)
for f in sorted(glob.glob('raw/*.npz')):
    z=np.load(f); name,seed=f[4:-4].rsplit('_',1)
    y=z['y']; ftr=z['ftr']; fte=z['fte']
    for v in variants:
        opts=dict(kv.split('=') for kv in v.split(',')) if v else {}
        X1,X2=ftr,fte
        if opts.get('scale')=='z':
            mu=ftr.mean(0); sd=ftr.std(0); sd=np.where(sd>0,sd,1e-3); X1=(ftr-mu)/sd; X2=(fte-mu)/sd
        s=knn_scores(X1,X2,int(opts.get('k',5)),opts.get('mode','kth'),int(opts.get('cap',0)) or None)
        w=float(opts.get('ae',0))
        if w>0:
            # calibration proxy: leave-one-out kNN on train, AE on train
            k=int(opts.get('k',5)); nn=NearestNeighbors(n_neighbors=k+1).fit(X1); dtr,_=nn.kneighbors(X1,k+1)
            s=(1-w)*s/np.mean(dtr[:,k]) + w*z["ae_te"]/np.mean(z["ae_tr"])
        res[v][(name,int(seed))]=protocol.auroc(y,s)
sets=sorted({n for n,_ in next(iter(res.values()))})
for v in variants:
    per={n:np.mean([res[v][(n,s)] for s in range(3) if (n,s) in res[v]]) for n in sets}
    ae={n:peers[(n,'AE')][0] for n in sets if (n,'AE') in peers}
    gaps=sorted((per[n]-ae[n],n) for n in ae)
    # rank among peers per set (mean)
    ranks=[]
    for n in sets:
        vals=[per[n]]+[np.mean(peers[(n,m)]) for m in ['AE','IForest','ECOD','KNN'] if (n,m) in peers]
        ranks.append(1+sum(x>per[n] for x in vals[1:])+0.5*sum(x==per[n] for x in vals[1:]))
    print(f"{v or 'knn5':40s} mean {np.mean(list(per.values())):.4f} rank(vs AE,IF,ECOD,KNN) {np.mean(ranks):.2f} worst-vs-AE {gaps[0][0]:+.3f} {gaps[0][1]} {gaps[1][0]:+.3f} {gaps[1][1]}")
