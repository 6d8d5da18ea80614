package io.github.mubench.tensor.model;

import io.github.mubench.tensor.Nd4jRuntime;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas.cblas_sgemv;

/**
 * The Llama-family decoder for inference on the CPU, computed with direct OpenBLAS calls on the weights in place
 * (memory-mapped or not) and plain loops for the small ops, on buffers kept in the cache between steps; with the
 * Vector API ({@link Loops#isSimd()}), products of a few to a few hundred rows run on {@link PanelGemm} over a packed
 * copy of each float32 weight (q/k/v and gate/up each stacked into one), and attention in Java over a cache on the heap. Eager ND4J
 * pays tens of microseconds of bookkeeping per op, a few hundred ops a token; here a step is a handful of GEMM calls
 * per layer and loops over floats. Same architecture, same layout and the same logits as {@link Llama} (tested on
 * every fixture architecture); reads top to bottom like it: embed → per layer (norm, q/k/v, RoPE, attention over the
 * cache, output projection, norm, SwiGLU) → final norm → LM head.
 */
public final class BlasLlama implements LanguageModel {
    /**
     * One layer's norm gains and weights, as BLAS reads them; the weights that multiply one input stacked for one
     * {@link PanelGemm} product each: q/k/v and gate/up.
     */
    private record Layer(float[] attnNorm, float[] mlpNorm, Stack qkv, Weight wo, float[] bq, float[] bk, float[] bv,
                         Stack gateUp, Weight down) {
    }

    /**
     * Weights multiplied by the same input, whose {@link PanelGemm} panels are packed one after another into one
     * weight of {@code n} rows (their outputs side by side in a row of the product): one pass over the input rows and
     * one split between {@link Workers} instead of one per weight. Its packing is null where a part has no panels of
     * its own (16-bit, or no Vector API); then each part is multiplied alone.
     */
    private record Stack(Weight[] parts, Packing packing, int n) {
        static Stack of(Weight... parts) {
            if (Arrays.stream(parts).anyMatch(w -> w.k() != parts[0].k())) {
                throw new IllegalArgumentException("stacked weights must share their input size");
            }
            boolean packable = Arrays.stream(parts).allMatch(w -> w.packing() != null);
            return new Stack(parts, packable ? parts[0].packing().sibling() : null, Arrays.stream(parts).mapToInt(Weight::n).sum());
        }
    }

    /**
     * A matrix {@code [n, k]}: float32 rows that BLAS reads in place, or a 16-bit tensor as its file stores it, which
     * products convert a block of rows at a time ({@link #halfMatmul}); with the Vector API, a float32 matrix's
     * {@link PanelGemm} panels, made when first needed (null for 16-bit and without the Vector API).
     */
    private record Weight(FloatPointer rows, HalfTensor half, int n, int k, Packing packing) {
    }

    /**
     * The {@link PanelGemm} panels of a float32 weight, or of a {@link Stack} of them: packed the first time a product
     * of more than {@value #GEMV_ROWS} rows needs them (a batch, or a prompt of that many tokens), or never once the
     * model's {@link #packBudget} is spent; such a weight stays with OpenBLAS. The panels are a copy: weights must not
     * change in place after first use.
     */
    private final class Packing {
        private float[] panels;
        private boolean refused;

        /** A new, empty packing of this model (for a stack of weights). */
        Packing sibling() {
            return new Packing();
        }

        /** The panels of {@code parts} packed one after another (always the same parts), or null where refused. */
        synchronized float[] panels(Weight... parts) {
            if (panels == null && !refused) {
                long n = 0;
                boolean fits = true;
                for (Weight w : parts) {
                    n += w.n();
                    // a direct buffer (the weight's view) holds at most 2³¹ bytes
                    fits &= (long) w.n() * w.k() <= Integer.MAX_VALUE / Float.BYTES;
                }
                long length = fits ? PanelGemm.packedLength(Math.toIntExact(n), parts[0].k()) : 0;
                refused = !fits || !reserve(length);
                if (!refused) {
                    try {
                        float[] packed = new float[(int) length];
                        int first = 0;
                        for (Weight w : parts) {
                            PanelGemm.pack(w.rows().asBuffer(), w.n(), w.k(), packed, first);
                            first += w.n();
                        }
                        panels = packed;
                    } finally {
                        if (panels == null) {
                            release(length);
                            refused = true;
                        }
                    }
                }
            }
            return panels;
        }
    }

    /**
     * Floats of packed panels this model may still hold on the heap: by default a quarter of the JVM's maximum heap,
     * so that a large float32 model falls back to OpenBLAS rather than running out of memory.
     */
    private long packBudget;

    /** Takes {@code floats} from {@link #packBudget}, if there are that many left (and an array can hold them). */
    private synchronized boolean reserve(long floats) {
        if (floats > Math.min(packBudget, Integer.MAX_VALUE - 8)) {
            return false;
        }
        packBudget -= floats;
        return true;
    }

    /** Gives back what {@link #reserve} took for panels that were not made. */
    private synchronized void release(long floats) {
        packBudget += floats;
    }

    private final LlamaConfig c;
    private final Weight embed, lmHead;
    private final int halfBlockFloats;
    private final Loops loops;
    private final long heapCacheFloats;
    private final float[] finalNorm, invFreq;
    private final Layer[] layers;
    private final List<INDArray> keepAlive = new ArrayList<>(); // the arrays the pointers point into

    /**
     * Builds the model over a checkpoint's weights: contiguous F32 tensors are used in place (and, with the Vector API,
     * packed into a heap copy for batched products when first needed, up to a quarter of the heap), 16-bit ones as
     * stored (converted a block of rows at a time when used), others copied once.
     */
    public BlasLlama(Checkpoint checkpoint) {
        this(checkpoint, Loops.best());
    }

    /** As {@link #BlasLlama(Checkpoint)}, with {@code loops} for the element-wise work and attention. */
    BlasLlama(Checkpoint checkpoint, Loops loops) {
        this(checkpoint, BlasKvCache.Scratch.BLOCK_FLOATS, loops, QUARTER_HEAP_FLOATS, QUARTER_HEAP_FLOATS);
    }

    /** Floats in a quarter of the JVM's maximum heap: the default for packed weights, and for a KV cache. */
    private static final long QUARTER_HEAP_FLOATS = Runtime.getRuntime().maxMemory() / 4 / Float.BYTES;

    /**
     * As {@link #BlasLlama(Checkpoint, Loops)}, converting 16-bit weights about {@code halfBlockFloats} floats at a
     * time, with Vector API loops' caches on the heap up to {@code heapCacheFloats} floats each (attention on the Vector
     * API; a larger cache goes off-heap, attention to BLAS), and up to {@code packFloats} floats of
     * {@link PanelGemm} panels.
     */
    BlasLlama(Checkpoint checkpoint, int halfBlockFloats, Loops loops, long heapCacheFloats, long packFloats) {
        this.halfBlockFloats = halfBlockFloats;
        this.packBudget = packFloats;
        this.loops = loops;
        this.heapCacheFloats = heapCacheFloats;
        Nd4jRuntime.configure();
        c = checkpoint.config();
        ModelWeights w = checkpoint.weights();
        long d = c.hiddenSize(), q = (long) c.numHeads() * c.headDim(), kv = (long) c.numKvHeads() * c.headDim(), f = c.intermediateSize();
        embed = weight(w, TensorNames.EMBED, c.vocabSize(), d);
        layers = new Layer[c.numLayers()];
        for (int l = 0; l < layers.length; l++) {
            String pq = TensorNames.layer(l, TensorNames.Q_PROJ), pk = TensorNames.layer(l, TensorNames.K_PROJ),
                    pv = TensorNames.layer(l, TensorNames.V_PROJ);
            Weight wq = weight(w, TensorNames.weight(pq), q, d), wk = weight(w, TensorNames.weight(pk), kv, d),
                    wv = weight(w, TensorNames.weight(pv), kv, d),
                    gate = weight(w, TensorNames.weight(TensorNames.layer(l, TensorNames.GATE_PROJ)), f, d),
                    up = weight(w, TensorNames.weight(TensorNames.layer(l, TensorNames.UP_PROJ)), f, d);
            layers[l] = new Layer(floats(w.get(TensorNames.layer(l, TensorNames.ATTN_NORM), d)),
                    floats(w.get(TensorNames.layer(l, TensorNames.MLP_NORM), d)), Stack.of(wq, wk, wv),
                    weight(w, TensorNames.weight(TensorNames.layer(l, TensorNames.O_PROJ)), d, q),
                    c.attentionBias() ? floats(w.get(TensorNames.bias(pq), q)) : null,
                    c.attentionBias() ? floats(w.get(TensorNames.bias(pk), kv)) : null,
                    c.attentionBias() ? floats(w.get(TensorNames.bias(pv), kv)) : null,
                    Stack.of(gate, up), weight(w, TensorNames.weight(TensorNames.layer(l, TensorNames.DOWN_PROJ)), d, f));
        }
        finalNorm = floats(w.get(TensorNames.FINAL_NORM, d));
        lmHead = c.tieWordEmbeddings() ? embed : weight(w, TensorNames.LM_HEAD, c.vocabSize(), d);
        invFreq = Rope.inverseFrequencies(c);
    }

    /** A pointer to the tensor's floats, row-major and contiguous (a view or another order is copied once). */
    private FloatPointer pointer(INDArray a) {
        INDArray contiguous = a.isView() || a.ordering() != 'c' || a.offset() != 0 || a.data().length() != a.length() ? a.dup('c') : a;
        keepAlive.add(contiguous);
        long n = contiguous.length();
        return new FloatPointer(contiguous.data().addressPointer()).capacity(n).limit(n);
    }

    /** A matrix as {@link Weight}: a 16-bit tensor stays as stored, float32 is used in place. */
    private Weight weight(ModelWeights w, String name, long n, long k) {
        HalfTensor half = w.half(name, n, k);
        return new Weight(half == null ? pointer(w.get(name, n, k)) : null, half, Math.toIntExact(n), Math.toIntExact(k),
                half == null && loops.isSimd() ? new Packing() : null);
    }

    private static float[] floats(INDArray a) {
        return a.toFloatVector();
    }

    /** The element-wise loops this model runs. */
    Loops loops() {
        return loops;
    }

    @Override
    public LlamaConfig config() {
        return c;
    }

    @Override
    public KvCache newCache(int batch, int capacity) {
        boolean onHeap = loops.isSimd() && BlasKvCache.heapFloats(c, batch, capacity) <= heapCacheFloats;
        return new BlasKvCache(c, batch, capacity, halfBlockFloats, onHeap);
    }

    @Override
    public INDArray forward(int[][] tokens, boolean[][] valid, KvCache cache, boolean lastOnly) {
        return run(tokens, valid, cache, lastOnly ? 1 : tokens[0].length, lastOnly);
    }

    @Override
    public INDArray forwardLast(int[][] tokens, boolean[][] valid, KvCache cache, int last) {
        return run(tokens, valid, cache, LanguageModel.checkLast(last, tokens[0].length), false);
    }

    /**
     * The pass, with logits for the last {@code last} positions of each row: {@code [B, last, V]}, or, {@code step}
     * (one position), the cache's {@code [B, V]} array that every step overwrites.
     */
    private INDArray run(int[][] tokens, boolean[][] valid, KvCache cache, int last, boolean step) {
        int batch = tokens.length, time = tokens[0].length, n = batch * time, d = c.hiddenSize();
        if (batch != cache.batch()) {
            throw new IllegalArgumentException("batch " + batch + " does not match the cache's " + cache.batch());
        }
        if (!(cache instanceof BlasKvCache kc)) {
            throw new IllegalArgumentException("this cache was made by another model; use this model's newCache");
        }
        int[] ids = LanguageModel.flatIds(tokens, c.vocabSize());
        int[][] positions = kc.append(valid);
        BlasKvCache.Scratch s = kc.scratch(c, n, time);
        s.rotations(positions, invFreq);
        FloatBuffer x = s.x.asBuffer(), table = embed.half() == null ? embed.rows().asBuffer() : null;
        for (int i = 0; i < n; i++) {
            if (table != null) {
                x.put(i * d, table, ids[i] * d, d);
            } else {
                embed.half().get((long) ids[i] * d, s.row, 0, d);
                x.put(i * d, s.row, 0, d);
            }
        }
        for (int l = 0; l < layers.length; l++) {
            attention(l, layers[l], kc, s, batch, time);
            feedForward(layers[l], s, n);
        }
        int rows = batch * last;
        FloatBuffer xb = s.xb.asBuffer();
        for (int r = 0; r < rows; r++) {
            rmsNorm(x, r / last * time + time - last + r % last, xb, r, finalNorm, s.row);
        }
        INDArray logits = step ? s.lastLogits(batch, c.vocabSize())
                : Nd4j.createUninitialized(DataType.FLOAT, new long[]{batch, last, c.vocabSize()}, 'c');
        long length = logits.length();
        matmul(s, s.xb, rows, lmHead, new FloatPointer(logits.data().addressPointer()).capacity(length).limit(length), 0f); // in place
        return logits;
    }

    /**
     * {@code out [rows, n] = beta·out + in [rows, k] · Wᵀ}. A few rows go through GEMV, one call per row: measured here,
     * OpenBLAS's GEMM with one row streamed the 32000 × 512 LM head at 15 GB/s, its GEMV at 44 GB/s; from about
     * {@value #GEMV_ROWS} rows on, GEMM's reuse of each weight row wins: {@link PanelGemm} up to {@value #PANEL_ROWS}
     * rows where the weight has panels, OpenBLAS's GEMM otherwise ({@link SplitBlas}: split between {@link Workers},
     * which prefilled and scored 126M batches 7–9% faster than OpenBLAS's own threads, whose spinning the attention
     * loops between products had to share the cores with). GEMV (up to {@value #GEMV_ROWS} rows) stays on OpenBLAS's
     * threads: split the same way, batch-1 decoding of the 126M shape was 15% slower.
     */
    private void matmul(BlasKvCache.Scratch s, FloatPointer in, int rows, Weight w, FloatPointer out, float beta) {
        if (panelRows(rows) && panelMatmul(s, in, rows, w, out, beta)) {
            return;
        }
        if (w.half() != null) {
            halfMatmul(s, in, rows, w, out, beta);
        } else {
            product(in, rows, w.rows(), w.n(), w.k(), w.n(), out, beta);
        }
    }

    /** {@code out [rows, n] (row stride ldOut) = beta·out + in [rows, k] · W [n, k]ᵀ} with W float32 in place. */
    private static void product(FloatPointer in, int rows, FloatPointer w, int n, int k, int ldOut, FloatPointer out, float beta) {
        if (rows <= GEMV_ROWS) {
            Workers.rest(); // OpenBLAS's threads take the cores
            for (int r = 0; r < rows; r++) {
                cblas_sgemv(CblasRowMajor, CblasNoTrans, n, k, 1f, w, k, r == 0 ? in : in.getPointer((long) r * k), 1,
                        beta, r == 0 ? out : out.getPointer((long) r * ldOut), 1);
            }
        } else {
            SplitBlas.gemm(false, true, rows, n, k, in, k, w, k, beta, out, ldOut);
        }
    }

    /**
     * {@link #matmul} for a 16-bit weight: a block of its rows at a time is converted to float32 in the cache's
     * scratch (small enough to stay in the CPU's cache), then multiplied; the output columns of a block are
     * {@code out[:, first..first + block)}.
     */
    private void halfMatmul(BlasKvCache.Scratch s, FloatPointer in, int rows, Weight w, FloatPointer out, float beta) {
        int block = Math.max(1, Math.min(w.n(), s.blockFloats / w.k()));
        for (int first = 0; first < w.n(); first += block) {
            int count = Math.min(block, w.n() - first);
            s.convert(loops, w.half(), (long) first * w.k(), count * w.k());
            product(in, rows, s.block, count, w.k(), w.n(), first == 0 ? out : out.getPointer(first), beta);
        }
    }

    /** Whether a product of {@code rows} rows goes to {@link PanelGemm} (where its weight has panels). */
    private boolean panelRows(int rows) {
        return loops.isSimd() && rows > GEMV_ROWS && rows <= PANEL_ROWS;
    }

    /**
     * {@link #matmul} with {@link PanelGemm} ({@link #panelProduct}). False, with nothing done, for a weight without
     * panels: 16-bit (packing each converted block in Java, on one thread, made a 126M BF16 step at batch 16 slower
     * than OpenBLAS on the block: 154–178 against 107–165 ms) or refused by the budget.
     */
    private boolean panelMatmul(BlasKvCache.Scratch s, FloatPointer in, int rows, Weight w, FloatPointer out, float beta) {
        float[] y = panelProduct(s, in, rows, w.packing(), w);
        if (y == null) {
            return false;
        }
        int n = w.n(), width = PanelGemm.paddedColumns(n);
        if (beta == 0f) {
            columns(y, width, rows, 0, n, out);
            return true;
        }
        FloatBuffer o = out.asBuffer();
        for (int r = 0; r < rows; r++) { // the residual: out += product
            o.get(r * n, s.row, 0, n);
            for (int j = 0; j < n; j++) {
                s.row[j] = beta * s.row[j] + y[r * width + j];
            }
            o.put(r * n, s.row, 0, n);
        }
        return true;
    }

    /**
     * {@code in [rows, k] · Wᵀ} for {@code W} the {@code parts} stacked, with {@link PanelGemm} on a heap copy of the
     * input (zero rows up to whole tiles): the scratch's array of rows {@link PanelGemm#paddedColumns} apart, or null,
     * with nothing done, where {@code packing} has no panels.
     */
    private static float[] panelProduct(BlasKvCache.Scratch s, FloatPointer in, int rows, Packing packing, Weight... parts) {
        float[] panels = packing == null ? null : packing.panels(parts);
        if (panels == null) {
            return null;
        }
        int n = 0, k = parts[0].k(), padded = PanelGemm.paddedRows(rows);
        for (Weight w : parts) {
            n += w.n();
        }
        int width = PanelGemm.paddedColumns(n);
        float[] x = s.panelIn(padded * k), y = s.panelOut(padded * width);
        in.asBuffer().get(0, x, 0, rows * k);
        Arrays.fill(x, rows * k, padded * k, 0f);
        PanelGemm.multiply(x, padded, k, panels, n, y, width);
        return y;
    }

    /** {@code out [rows, n] = y[:, from..from + n)} for {@code y} of rows {@code width} apart. */
    private static void columns(float[] y, int width, int rows, int from, int n, FloatPointer out) {
        FloatBuffer o = out.asBuffer();
        for (int r = 0; r < rows; r++) {
            o.put(r * n, y, r * width + from, n);
        }
    }

    /**
     * {@code outs[i] = in · partᵢᵀ} for the stack's parts: one {@link PanelGemm} product where the stack has panels
     * and the rows go there, else one {@link #matmul} a part.
     */
    private void matmul(BlasKvCache.Scratch s, FloatPointer in, int rows, Stack stack, FloatPointer... outs) {
        float[] y = panelRows(rows) ? panelProduct(s, in, rows, stack.packing(), stack.parts()) : null;
        Weight[] parts = stack.parts();
        for (int i = 0, from = 0; i < parts.length; from += parts[i++].n()) {
            if (y == null) {
                matmul(s, in, rows, parts[i], outs[i], 0f);
            } else {
                columns(y, PanelGemm.paddedColumns(stack.n()), rows, from, parts[i].n(), outs[i]);
            }
        }
    }

    /** {@code view} (made over its buffer) pointed at element {@code offset}. */
    private static FloatPointer at(FloatPointer view, long offset) {
        return view.position(offset);
    }

    /** Up to this many rows, a matmul is a GEMV per row. */
    static final int GEMV_ROWS = 3;

    /**
     * Up to this many rows, a matmul on the Vector API goes to {@link PanelGemm}; measured here, at 512 rows OpenBLAS's
     * blocked GEMM on two cores was as fast, at thousands (prefills) faster.
     */
    static final int PANEL_ROWS = 256;

    /** {@code out[row] = x[row] / rms(x[row]) · gain}, through {@code tmp} (a heap row of at least d floats). */
    private void rmsNorm(FloatBuffer x, int row, FloatBuffer out, int outRow, float[] gain, float[] tmp) {
        int d = gain.length;
        x.get(row * d, tmp, 0, d);
        double sum = 0;
        for (int i = 0; i < d; i++) {
            sum += tmp[i] * tmp[i];
        }
        float scale = (float) (1.0 / Math.sqrt(sum / d + c.rmsNormEps()));
        for (int i = 0; i < d; i++) {
            tmp[i] = tmp[i] * scale * gain[i];
        }
        out.put(outRow * d, tmp, 0, d);
    }

    /** {@code x += attention(norm(x))} for one layer, writing this step's keys and values into the cache. */
    private void attention(int l, Layer layer, BlasKvCache kc, BlasKvCache.Scratch s, int batch, int time) {
        int n = batch * time, d = c.hiddenSize(), h = c.numHeads(), kvh = c.numKvHeads(), hd = c.headDim(), rep = h / kvh;
        int qd = h * hd, kvd = kvh * hd, slots = kc.length(), start = slots - time;
        FloatBuffer x = s.x.asBuffer(), xb = s.xb.asBuffer();
        for (int r = 0; r < n; r++) {
            rmsNorm(x, r, xb, r, layer.attnNorm(), s.row);
        }
        matmul(s, s.xb, n, layer.qkv(), s.q, s.k, s.v);
        FloatBuffer q = s.q.asBuffer(), k = s.k.asBuffer(), v = s.v.asBuffer();
        if (layer.bq() != null) {
            addBias(q, n, layer.bq());
            addBias(k, n, layer.bk());
            addBias(v, n, layer.bv());
        }
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < time; t++) {
                int r = b * time + t;
                rope(q, r * qd, h, s, r);
                rope(k, r * kvd, kvh, s, r);
                for (int g = 0; g < kvh; g++) {
                    kc.store(l, b, g, start + t, k, v, r * kvd + g * hd, hd);
                }
            }
        }
        if (kc.onHeap()) {
            attendSimd(l, kc, s, batch, time);
        } else {
            attendBlas(l, kc, s, batch, time);
        }
        matmul(s, s.att, n, layer.wo(), s.x, 1f); // residual: x += att · Woᵀ
    }

    /** Attention of every row and head over the cache into {@code s.att}, with BLAS products on the transposed cache. */
    private void attendBlas(int l, BlasKvCache kc, BlasKvCache.Scratch s, int batch, int time) {
        int h = c.numHeads(), hd = c.headDim(), rep = h / c.numKvHeads(), qd = h * hd, slots = kc.length(), start = slots - time;
        int capacity = kc.capacity();
        float scale = (float) (1.0 / Math.sqrt(hd));
        FloatBuffer scores = s.scores.asBuffer();
        Workers.rest(); // OpenBLAS's threads take the cores
        for (int b = 0; b < batch; b++) {
            for (int head = 0; head < h; head++) {
                long qOff = (long) b * time * qd + (long) head * hd, kOff = kc.offset(l, b, head / rep);
                FloatPointer qh = at(s.qAt, qOff), keysH = at(s.keysAt, kOff), valuesH = at(s.valuesAt, kOff), outH = at(s.attAt, qOff);
                if (time == 1) { // decoding: two matrix-vector products
                    // scores [S] = keysᵀ [hd, S]ᵀ · q / √hd; then out [hd] = valuesᵀ [hd, S] · probabilities
                    cblas_sgemv(CblasRowMajor, CblasTrans, hd, slots, scale, keysH, capacity, qh, 1, 0f, s.scores, 1);
                    softmaxMasked(scores, 0, s.row, slots, kc, b, start);
                    cblas_sgemv(CblasRowMajor, CblasNoTrans, hd, slots, 1f, valuesH, capacity, s.scores, 1, 0f, outH, 1);
                    continue;
                }
                // scores [T, S] = q_head [T, hd] · keysᵀ [hd, S] / √hd; rows of q_head are qd apart
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, time, slots, hd, scale, qh, qd, keysH, capacity, 0f, s.scores, slots);
                for (int t = 0; t < time; t++) {
                    softmaxMasked(scores, t * slots, s.row, slots, kc, b, start + t);
                }
                // out_head [T, hd] = probabilities [T, S] · (valuesᵀ [hd, S])ᵀ
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, time, hd, slots, 1f, s.scores, slots, valuesH, capacity, 0f, outH, qd);
            }
        }
    }

    /**
     * Attention of every row and head over the heap cache into {@code s.att}, on the Vector API: each query's scores
     * and mix read its KV head's keys and values in place and cover only the slots it may see (a causal prefill skips
     * the half that BLAS would compute and mask). Batch rows are split between {@link Workers} when there is enough
     * work: unlike OpenBLAS's products, which run on threads of their own, these loops would otherwise leave cores
     * idle.
     */
    private void attendSimd(int l, BlasKvCache kc, BlasKvCache.Scratch s, int batch, int time) {
        long work = (long) batch * time * kc.length() * c.numHeads() * c.headDim();
        int parts = work < PARALLEL_ATTENTION ? 1 : Math.min(batch, s.heads.length);
        Workers.split(batch, parts, (part, first, end) -> attendSimd(l, kc, s, s.heads[part], first, end, time));
    }

    /** Multiply-adds of a step's attention from which its rows are split between {@link Workers}. */
    static final long PARALLEL_ATTENTION = 1L << 14;

    /**
     * {@link #attendSimd} for rows {@code [first, end)}, on the heap arrays {@code w}. The query heads of one KV head
     * go two at a time through the scores, which then read each key once for both.
     */
    private void attendSimd(int l, BlasKvCache kc, BlasKvCache.Scratch s, BlasKvCache.Scratch.Heads w, int first, int end, int time) {
        int h = c.numHeads(), kvh = c.numKvHeads(), hd = c.headDim(), rep = h / kvh, qd = h * hd;
        int slots = kc.length(), start = slots - time;
        float scale = (float) (1.0 / Math.sqrt(hd));
        FloatBuffer q = s.q.asBuffer(), att = s.att.asBuffer();
        for (int b = first; b < end; b++) {
            for (int g = 0; g < kvh; g++) {
                float[] keys = kc.heapKeys(l, b, g), values = kc.heapValues(l, b, g);
                for (int t = 0; t < time; t++) {
                    long visible = visible(kc, b, start + t, slots);
                    int from = visible == NOTHING ? 0 : (int) (visible >>> 32), to = visible == NOTHING ? slots : (int) visible;
                    for (int head = g * rep; head < (g + 1) * rep; head += 2) {
                        int heads = Math.min(2, (g + 1) * rep - head), at = (b * time + t) * qd + head * hd;
                        q.get(at, w.q[0], 0, hd);
                        if (heads == 2) {
                            q.get(at + hd, w.q[1], 0, hd);
                            SimdLoops.scores(keys, w.q[0], w.q[1], hd, scale, w.scores[0], w.scores[1], from, to);
                        } else {
                            SimdLoops.scores(keys, w.q[0], hd, scale, w.scores[0], from, to);
                        }
                        for (int i = 0; i < heads; i++) {
                            float[] row = w.scores[i];
                            softmaxRow(row, slots, kc, b, visible);
                            Arrays.fill(row, slots, slots + SimdLoops.LANES, 0f); // the padding the mix reads
                            SimdLoops.mix(values, row, from, to, hd, w.out);
                            att.put(at + i * hd, w.out, 0, hd);
                        }
                    }
                }
            }
        }
    }

    private static void addBias(FloatBuffer y, int rows, float[] bias) {
        for (int r = 0; r < rows; r++) {
            int base = r * bias.length;
            for (int i = 0; i < bias.length; i++) {
                y.put(base + i, y.get(base + i) + bias[i]);
            }
        }
    }

    /**
     * Rotate-half RoPE (HF's layout) of {@code heads} consecutive head vectors starting at {@code base}, at the position
     * of token row {@code r} ({@link BlasKvCache.Scratch#rotations}).
     */
    private void rope(FloatBuffer y, int base, int heads, BlasKvCache.Scratch s, int r) {
        int hd = c.headDim(), half = hd / 2;
        for (int i = 0; i < half; i++) {
            float cos = s.cos[r * half + i], sin = s.sin[r * half + i];
            for (int head = 0; head < heads; head++) {
                int at = base + head * hd + i;
                float a = y.get(at), b = y.get(at + half);
                y.put(at, a * cos - b * sin);
                y.put(at + half, b * cos + a * sin);
            }
        }
    }

    /**
     * Softmax of one query's scores over the key slots it may see: real tokens, not after it, within the sliding
     * window. {@link Llama} adds {@link AttentionMask#MASKED} to the others, whose exponentials then underflow to
     * exactly zero whenever one slot is visible; here they are set to −∞, which gives the same zeros without
     * computing them (in a causal prefill they are half the row). A query that sees nothing (a padding position)
     * gets the masked softmax as is: every slot shifted by the same amount.
     */
    private void softmaxMasked(FloatBuffer scores, int base, float[] row, int slots, KvCache cache, int b, int query) {
        scores.get(base, row, 0, slots);
        softmaxRow(row, slots, cache, b, visible(cache, b, query, slots));
        scores.put(base, row, 0, slots);
    }

    /** No slot visible: {@link #visible}'s answer for a padding query. */
    private static final long NOTHING = -1;

    /**
     * The slots {@code [from, to)} that a query at slot {@code query} of row {@code b} may see (packed as
     * {@code from << 32 | to}), or {@link #NOTHING} when all of them are padding.
     */
    private long visible(KvCache cache, int b, int query, int slots) {
        Integer window = c.slidingWindow();
        int from = window == null ? 0 : Math.max(0, query - window + 1), to = Math.min(query + 1, slots);
        int[] padding = cache.padding(b);
        int hidden = 0;
        for (int i = 0, n = cache.paddingCount(b); i < n && padding[i] < to; i++) {
            hidden += padding[i] >= from ? 1 : 0;
        }
        return to - from > hidden ? (long) from << 32 | to : NOTHING;
    }

    /** The softmax of a row of scores over the slots {@code visible} says (every slot, masked, for {@link #NOTHING}). */
    private void softmaxRow(float[] row, int slots, KvCache cache, int b, long visible) {
        int from = 0, to = slots;
        if (visible != NOTHING) {
            from = (int) (visible >>> 32);
            to = (int) visible;
            Arrays.fill(row, 0, from, Float.NEGATIVE_INFINITY);
            Arrays.fill(row, to, slots, Float.NEGATIVE_INFINITY);
            int[] padding = cache.padding(b);
            for (int i = 0, n = cache.paddingCount(b); i < n && padding[i] < to; i++) {
                row[padding[i]] = Float.NEGATIVE_INFINITY;
            }
        } else {
            for (int j = 0; j < slots; j++) {
                row[j] += AttentionMask.MASKED;
            }
        }
        loops.softmax(row, from, to);
        Arrays.fill(row, 0, from, 0f);
        Arrays.fill(row, to, slots, 0f);
    }

    /** {@code x += down(silu(gate(norm(x))) · up(norm(x)))}. */
    private void feedForward(Layer layer, BlasKvCache.Scratch s, int n) {
        int d = c.hiddenSize(), f = c.intermediateSize();
        FloatBuffer x = s.x.asBuffer(), xb = s.xb.asBuffer();
        for (int r = 0; r < n; r++) {
            rmsNorm(x, r, xb, r, layer.mlpNorm(), s.row);
        }
        FloatBuffer g = s.gate.asBuffer();
        Stack gateUp = layer.gateUp();
        float[] y = panelRows(n) ? panelProduct(s, s.xb, n, gateUp.packing(), gateUp.parts()) : null;
        if (y != null) { // gate and up side by side in each row of y
            int width = PanelGemm.paddedColumns(gateUp.n()), up = gateUp.parts()[0].n();
            for (int r = 0; r < n; r++) {
                loops.siluTimes(y, r * width, y, r * width + up, f);
                g.put(r * f, y, r * width, f);
            }
        } else {
            matmul(s, s.xb, n, gateUp, s.gate, s.up);
            FloatBuffer u = s.up.asBuffer();
            float[] gr = s.row, ur = s.row2;
            for (int r = 0; r < n; r++) {
                g.get(r * f, gr, 0, f);
                u.get(r * f, ur, 0, f);
                loops.siluTimes(gr, 0, ur, 0, f);
                g.put(r * f, gr, 0, f);
            }
        }
        matmul(s, s.gate, n, layer.down(), s.x, 1f); // residual
    }
}
