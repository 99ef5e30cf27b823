"""Issue 15, the model decision (docs/quality.md, "Model: nearest neighbours"): for every set
and seed, Latent's dense autoencoder (then the default) through the CLI, its scores saved with
the min-max-scaled rows to raw/NAME_SEED.npz; then ana.py / ana2.py compare k-nearest-neighbour
variants and blends on them. Needs the peers venv (scikit-learn):

    /tmp/peers-venv/bin/python proto.py "" 0,1,2      # run with --model dense on current builds
    /tmp/peers-venv/bin/python ana.py "scale=z,mode=mean,k=5;scale=z;k=1;scale=z,ae=0.25"
"""
import sys, os, csv, subprocess, tempfile, json
import numpy as np
sys.path.insert(0, "/work/main/bench/adbench")
import protocol
from sklearn.neighbors import NearestNeighbors
LAT="/work/main/.build/release/latent"
def scores(det, x, work, tag):
    p=os.path.join(work, tag+".npy"); np.save(p, x.astype(np.float64))
    out=os.path.join(work, tag+".csv")
    subprocess.run([LAT,"detector","score",det,"--input",p,"--output",out,"--threads","1"],check=True,capture_output=True)
    with open(out) as f: return np.array([float(r["score"]) for r in csv.DictReader(f)])
def scale(train):
    lo=train.min(0); hi=train.max(0); r=hi-lo
    r=np.where(r>0, r, 1/1000.0)
    return lambda x:(x-lo)/r
def knn(tr, te, k=5):
    nn=NearestNeighbors(n_neighbors=k+1).fit(tr)
    dtr,_=nn.kneighbors(tr, k+1); dte,_=nn.kneighbors(te, k)
    return dtr[:,k], dte[:,k-1]
rows=[]
names=protocol.resolve(sys.argv[1].split(",")) if len(sys.argv)>1 and sys.argv[1] else protocol.datasets()
seeds=[int(s) for s in (sys.argv[2] if len(sys.argv)>2 else "0").split(",")]
for name in names:
  for seed in seeds:
    tr,te,y=protocol.split(name,seed)
    with tempfile.TemporaryDirectory() as w:
        p=os.path.join(w,"train.npy"); np.save(p,tr)
        det=os.path.join(w,"det")
        subprocess.run([LAT,"detector","fit","--data",p,"--out",det,"--quiet","--threads","1","--model","dense"],check=True,capture_output=True)
        ae_te=scores(det,te,w,"te"); ae_tr=scores(det,tr,w,"tr")
    f=scale(tr); ktr,kte=knn(f(tr),f(te))
    # normalise each by its training median (knn leave-one-out)
    a=ae_te/np.median(ae_tr); k=kte/max(np.median(ktr),1e-12)
    np.savez(f"raw/{protocol.short(name)}_{seed}.npz", ae_te=ae_te, ae_tr=ae_tr, y=y, ftr=f(tr), fte=f(te))
    res=dict(dataset=protocol.short(name),seed=seed,ae=protocol.auroc(y,ae_te),knn=protocol.auroc(y,kte),
             sum=protocol.auroc(y,a+k), max=protocol.auroc(y,np.maximum(a,k)))
    # rank-free: z by train mean/std of log
    print(json.dumps(res),flush=True)
