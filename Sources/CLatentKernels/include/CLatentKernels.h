#ifndef CLATENT_KERNELS_H
#define CLATENT_KERNELS_H

#include <stdint.h>

// Latent's compute kernels: plain loops over float arrays, built for AVX-512, AVX2+FMA and
// the baseline target and chosen at run time (CPU.c). An element's result never depends
// on how a caller splits the arrays across threads.
//
// Files, each using only those above it: CPU.c, Elementwise.c (+ ElementwiseTemplate.h),
// Pooling.c, RowInvariantGEMM.c, ConvolutionOneChannel.c, Convolution.c
// (+ ConvolutionTemplate.h), DenseDistance.c; BLASCore.c picks OpenBLAS's kernels.

// ---- Which kernels (CPU.c) -------------------------------------------------------------

/// What the CPU runs: 2 AVX-512 (F, VL, BW, DQ) with AVX2+FMA, 1 AVX2+FMA, 0 neither.
int latent_cpu_level(void);
/// The kernels in use: latent_cpu_level capped by LATENT_KERNELS=avx2|baseline (to compare
/// the builds on one machine).
int latent_kernels_level(void);

// ---- Elementwise (Elementwise.c) -------------------------------------------------------

enum {
    LATENT_ACT_IDENTITY = 0, LATENT_ACT_RELU = 1, LATENT_ACT_SIGMOID = 2, LATENT_ACT_TANH = 3,
    LATENT_ACT_SOFTPLUS = 4
};

enum {
    LATENT_UN_NEG = 0, LATENT_UN_EXP, LATENT_UN_LOG, LATENT_UN_SQRT, LATENT_UN_SQUARE, LATENT_UN_ABS,
    LATENT_UN_RELU, LATENT_UN_SIGMOID, LATENT_UN_TANH, LATENT_UN_SOFTPLUS
};

enum {
    LATENT_BIN_ADD = 0, LATENT_BIN_SUB, LATENT_BIN_MUL, LATENT_BIN_DIV,
    LATENT_BIN_SECOND,        /* b (a broadcast copy) */
    LATENT_BIN_RELU_GRAD,     /* a = g, b = x: x > 0 ? g : 0 */
    LATENT_BIN_SIGMOID_GRAD,  /* a = g, b = y: g·y·(1 − y) */
    LATENT_BIN_TANH_GRAD,     /* a = g, b = y: g·(1 − y²) */
    LATENT_BIN_SQUARE_GRAD,   /* a = g, b = x: 2·g·x */
    LATENT_BIN_ABS_GRAD,      /* a = g, b = x: g·sign(x) */
    LATENT_BIN_SQRT_GRAD,     /* a = g, b = y: g / (2y) */
    LATENT_BIN_SOFTPLUS_GRAD, /* a = g, b = x: g·sigmoid(x) */
    LATENT_BIN_NEG_DIV        /* −a / b */
};

/// y[i] = op(x[i]); y may be x.
void latent_unary(int op, const float *x, float *y, long n);
/// out[i] = op(a[i·sa], b[i·sb]), sa and sb each 0 (a scalar) or 1.
void latent_binary(int op, const float *a, long sa, const float *b, long sb, float *out, long n);
/// y[r, c] = act(z[r, c] + bias[c]) over a rows×cols matrix; bias may be NULL, y may be z.
void latent_bias_act(const float *z, const float *bias, float *y, long rows, long cols, int act);
/// latent_bias_act on the build of at most `level` (latent_kernels_level's scale, capped at
/// what the CPU runs, whatever LATENT_KERNELS says): for tests that the AVX2 and AVX-512
/// builds give the same bits.
void latent_bias_act_level(int level, const float *z, const float *bias, float *y, long rows, long cols, int act);
/// dz = g ⊙ act'(·) given the activation's output y; dz may be g.
void latent_act_grad(const float *g, const float *y, float *dz, long n, int act);
/// out[c] = Σ_r x[r, c].
void latent_column_sums(const float *x, float *out, long rows, long cols);
/// The index of the first NaN or ±Inf in x[0..<n], or −1 when every value is finite.
long latent_first_non_finite(const float *x, long n);
/// Σ (p − t)² (kind 0) or Σ |p − t| (kind 1), accumulated in double across blocks.
double latent_distance_sum(const float *p, const float *t, long n, int kind);
/// out[r] = latent_distance_sum(p + r·ldp, t + r·ldt, n, kind) for r < rows, the same bits,
/// several rows side by side.
void latent_distance_sums(const float *p, long ldp, const float *t, long ldt, long rows, long n, int kind,
                          double *out);
/// out = s·(p − t) (kind 0) or s·sign(p − t) (kind 1).
void latent_distance_grad(const float *p, const float *t, float *out, long n, float s, int kind);
/// dst[k·row ..< (k+1)·row] = src[indices[k]·row ..< …] for k < count (rows in range: the
/// caller checks), prefetching rows ahead.
void latent_gather_rows(const float *src, long row, const long *indices, long count, float *dst);
/// One fused Adam step (Keras's form) over n parameters; the gradient is g, or g + g2
/// (added in that order) when g2 is not null.
void latent_adam(float *p, const float *g, const float *g2, float *m, float *v, long n, float b1, float b2,
                 float eps, float alpha, float l2, float shrink);

// ---- GEMM (RowInvariantGEMM.c) ---------------------------------------------------------

/// Rows i0..<i1 of C = alpha·op(A)·op(B) + beta·C (row-major; op(A) is M×K, op(B) K×N).
/// Each row is computed by the same instructions whatever the batch, position or split,
/// so a row's result never depends on the rows around it.
void latent_sgemm_rows(int transA, int transB, long N, long K, float alpha, const float *A, long lda,
                       const float *B, long ldb, float beta, float *C, long ldc, long i0, long i1);
/// latent_sgemm_rows on the path of at most `level` (latent_kernels_level's scale, capped
/// at what the CPU runs), for tests and benchmarks. Every path computes the same recipe per
/// element, so all levels ≥ 1 give the same bits.
void latent_sgemm_rows_level(int level, int transA, int transB, long N, long K, float alpha, const float *A,
                             long lda, const float *B, long ldb, float beta, float *C, long ldc, long i0, long i1);
/// Rows i0..<i1 of C = act(A·W + bias), a Dense layer at inference (A [M, K] with row
/// stride lda, W [K, N] row-major, bias [N] or NULL): the same bits as latent_sgemm_rows
/// then latent_bias_act, the bias and activation applied in the GEMM's stores where the
/// kernels can (identity and relu).
void latent_dense_rows(long N, long K, const float *A, long lda, const float *W, const float *bias, int act, float *C,
                       long ldc, long i0, long i1);
/// latent_dense_rows on the path of at most `level`, for tests.
void latent_dense_rows_level(int level, long N, long K, const float *A, long lda, const float *W, const float *bias,
                             int act, float *C, long ldc, long i0, long i1);

// ---- Dense layer and distance fused, for scoring (DenseDistance.c) ---------------------

/// out[i] = mean over j of (y[i, j] − T[i, j])² (kind 0) or |y[i, j] − T[i, j]| (kind 1),
/// where y = act(A·W + bias) (A [M, K] row-major with row stride lda, W [K, N], bias [N] or
/// NULL), for rows i0..<i1, y never stored whole: the same bits as latent_dense_rows and
/// latent_distance_sum in turn. Returns 0, or −1 when a row of N floats could not be
/// allocated.
int latent_dense_distance_rows(const float *A, long lda, const float *W, long N, long K, const float *bias,
                               int act, const float *T, long ldt, int kind, float *out, long i0, long i1);

/// The K block of the row-invariant GEMM (latent_sgemm_rows): a product whose K is cut
/// into calls at multiples of it, the later ones with beta = 1, has the bits of one call.
#define LATENT_GEMM_KC 256

// ---- Convolutions and pooling over NHWC images (Convolution.c, Pooling.c) --------------

/// One 2-D convolution over NHWC images: input [n, h, w, c], kernel [kh, kw, c, f],
/// stride (sh, sw), zero padding pt (top) and pl (left), output [n, oh, ow, f].
typedef struct {
    long n, h, w, c, f, kh, kw, sh, sw, pt, pl, oh, ow;
} latent_conv_geometry;

/// y = conv(x, w) for images n0..<n1 (overwritten), w [kh, kw, c, f]. Each image's output
/// depends on that image only. The kernel is chosen here from the geometry and the CPU.
void latent_conv_forward(const latent_conv_geometry *g, const float *x, const float *w, float *y, long n0, long n1);
/// y = act(conv(x, w) + bias) for images n0..<n1 (bias [f] or NULL): the same bits as
/// latent_conv_forward then latent_bias_act, the bias and activation applied in the
/// GEMM's stores on the im2col path and right after each range's images elsewhere.
void latent_conv_forward_act(const latent_conv_geometry *g, const float *x, const float *w, const float *bias, int act,
                             float *y, long n0, long n1);
/// y = maxpool(act(conv(x, w) + bias)) with 2×2 windows at stride 2 for images n0..<n1,
/// y [n, (oh − 2)/2 + 1, (ow − 2)/2 + 1, f]: the two layers in one pass per image (the
/// planar kernel's outputs pooled in cache), with the bits of latent_conv_forward_act then
/// latent_maxpool_forward, whose argmax it writes to `arg` (flat indices into the
/// convolution's outputs [n, oh, ow, f]; NULL: not wanted). Identity or relu. Returns 0,
/// computing nothing, where the convolution would not take the planar path: call the two.
int latent_conv_forward_pooled(const latent_conv_geometry *g, const float *x, const float *w, const float *bias,
                               int act, float *y, int32_t *arg, long n0, long n1);
/// Whether latent_conv_forward_pooled computes this geometry and activation here.
int latent_conv_fuses_pooling(const latent_conv_geometry *g, int act);
/// Whether latent_conv_forward_and_weight computes this geometry here: where the forward
/// and the weight gradient both take im2col + GEMM.
int latent_conv_shares_patches(const latent_conv_geometry *g);
/// y = conv(x, w) (overwritten) and dw += the kernel's gradient from x and gy, for images
/// n0..<n1, x's patches made once for both (a transposed convolution's backward: its input
/// and kernel gradients read its output gradient's patches): the bits of
/// latent_conv_forward and latent_conv_backward_weight. Returns 0, computing nothing, where
/// latent_conv_shares_patches is 0.
int latent_conv_forward_and_weight(const latent_conv_geometry *g, const float *x, const float *w, const float *gy,
                                   float *y, float *dw, long n0, long n1);
/// For tests: y = act(conv(x, w) + bias) for images n0..<n1 on one path whatever the
/// choice would be: 0 im2col + GEMM, 1 the planar kernel (stride 1, AVX-512). Returns 0
/// when the path cannot run here.
int latent_conv_forward_path(int path, const latent_conv_geometry *g, const float *x, const float *w,
                             const float *bias, int act, float *y, long n0, long n1);
/// For tests: dw += the kernel's gradient from x and gy for images n0..<n1 through im2col
/// and the GEMM, path 0 with the patches stored, 1 read in place (AVX-512, where a kernel
/// row has at least 16 floats and the product is computed as dwᵀ = gyᵀ · cols, i.e. the
/// filters leave vector lanes idle; elsewhere path 1 stores them too). Returns 0 when the
/// path cannot run here.
int latent_conv_backward_weight_path(int path, const latent_conv_geometry *g, const float *x, const float *gy,
                                     float *dw, long n0, long n1);
/// For tests: the one-channel kernels of `level` (1 AVX2, 2 AVX-512) on images n0..<n1,
/// kind 0 the forward with one input or one output channel (a = x, b = kernel, out = y), kind 1 the weight
/// gradient with one input or one output channel (a = x, b = gy, out = dw, added to), kind 2
/// the input gradient with one output channel (a = gy, b = kernel, out = dx; AVX-512 only).
/// Returns 0 when the CPU lacks the level or the geometry is not theirs.
int latent_conv_one_channel_level(int level, int kind, const latent_conv_geometry *g, const float *a, const float *b,
                                  float *out, long n0, long n1);
/// dx = the adjoint of conv applied to gy, for images n0..<n1 (overwritten), with the
/// same kernel w [kh, kw, c, f] as the forward.
void latent_conv_backward_input(const latent_conv_geometry *g, const float *gy, const float *w, float *dx, long n0,
                                long n1);
/// dx = act(the adjoint of conv applied to gy + bias) for images n0..<n1 (bias [c] or NULL):
/// the same bits as latent_conv_backward_input then latent_bias_act, applied per image.
void latent_conv_backward_input_act(const latent_conv_geometry *g, const float *gy, const float *w, const float *bias,
                                    int act, float *dx, long n0, long n1);
/// dw += Σ_{images n0..<n1} x ⊗ gy per tap; dw is [kh, kw, c, f].
void latent_conv_backward_weight(const latent_conv_geometry *g, const float *x, const float *gy, float *dw, long n0,
                                 long n1);
/// Max pooling (valid padding, kernel kh×kw, stride sh×sw; f unused) for images n0..<n1:
/// y [n, oh, ow, c] and each output's flat input index of its window's first maximum
/// (arg NULL: not wanted). Returns 0, or -1 when its row buffers could not be allocated.
int latent_maxpool_forward(const latent_conv_geometry *g, const float *x, float *y, int32_t *arg, long n0, long n1);
/// Max pooling's gradient: dx [size] = 0, then dx[arg[k]] += g[k] for k in order (overlapping
/// windows add in output order); with `relu`, then 0 wherever y[k], the pooled output (the
/// activation's output at arg[k]), is not above 0 — relu's slope for a relu that came
/// before the pooling. `unique`: no index repeats (windows that do not overlap), which
/// lets the AVX-512 build scatter 16 at a time (the same values).
void latent_maxpool_backward(const int32_t *arg, const float *g, const float *y, int relu, int unique, long count,
                             float *dx, long size);
/// latent_maxpool_forward with the kernels of at most `level` (0 baseline, 1 AVX2, 2
/// AVX-512; capped at what the CPU runs): for tests that the builds agree.
int latent_maxpool_forward_level(int level, const latent_conv_geometry *g, const float *x, float *y, int32_t *arg,
                                 long n0, long n1);

// ---- OpenBLAS (BLASCore.c) -------------------------------------------------------------

/// The name of the kernel set OpenBLAS uses ("" with another BLAS).
const char *latent_blas_core_name(void);
/// On a CPU with AVX-512 whose OpenBLAS fell back to older kernels (it does not know the
/// model), selects OpenBLAS's SkylakeX kernels, as OPENBLAS_CORETYPE would at load time.
/// Does nothing when OPENBLAS_CORETYPE is set. Call before the first BLAS call.
/// Returns 1 when the kernels were changed.
int latent_blas_select_core(void);


// ---- Nearest reference rows (NearestRows.c) -------------------------------------------

/// Floats that latent_pack_rows writes for `count` rows of `d` features (panels of 16).
long latent_packed_rows_size(long count, long d);

/// Packs row-major R [count, d] into P (latent_packed_rows_size floats) for
/// latent_nearest_rows: panels of 16 rows, feature-major inside a panel, zero-padded.
void latent_pack_rows(const float *R, long count, long d, float *P);

/// For query rows q0..<q1 of Q (row stride ldq): the k smallest squared Euclidean distances
/// to the packed reference rows, ascending, into dist[q·k …] with their row numbers in
/// index[q·k …] (a tie keeps the lower row number; +inf and −1 fill what is missing).
/// selfOffset ≥ 0 skips reference row q + selfOffset for query q (a row's own copy).
/// The same bits at every kernel level and for any split of the queries.
void latent_nearest_rows(const float *Q, long ldq, const float *P, long count, long d, long k, long selfOffset,
                         float *dist, int32_t *index, long q0, long q1);

/// latent_nearest_rows on the path of at most `level` (0 baseline, 1 AVX2, 2 AVX-512), for tests.
void latent_nearest_rows_level(int level, const float *Q, long ldq, const float *P, long count, long d, long k,
                               long selfOffset, float *dist, int32_t *index, long q0, long q1);

// ---- Discord distances of the signal detector (Discord.c) ------------------------------

/// qt[j] = Σ_t q[t]·r[j+t] (t = 0..<m in order) for j in 0..<count: the dot products of a
/// query window with every reference window. The same bits at every kernel level.
void latent_sliding_dots(const double *q, long m, const double *r, long count, double *qt);

/// One sliding step of a one-channel discord cursor over `count` reference windows of
/// length m: out[0] = first, and for j ≥ 1 out[j] = in[j−1] − leaving·r[j−1] + entering·r[j+m−1]
/// (the dot products of the next query window from the previous ones). Returns
/// best = max_j (out[j]·invM − mu·muR[j])·invQ·invR[j] (the highest correlation) and
/// nearest = min_j ss + ssR[j] − 2·out[j] (the smallest squared distance), each term
/// computed in that order with contraction off: the same bits at every kernel level.
void latent_discord_step(const double *in, double *out, const double *r, const double *muR, const double *invR,
                         const double *ssR, long count, long m, double leaving, double entering, double first,
                         double mu, double invQ, double invM, double ss, double *best, double *nearest);

/// latent_discord_step on the path of at most `level` (0 baseline, 1 AVX2, 2 AVX-512), for tests.
void latent_discord_step_level(int level, const double *in, double *out, const double *r, const double *muR,
                               const double *invR, const double *ssR, long count, long m, double leaving,
                               double entering, double first, double mu, double invQ, double invM, double ss,
                               double *best, double *nearest);

#endif
