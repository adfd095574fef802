/*
 * MD5 of up to sixteen independent byte streams at once, one per 32-bit lane of vector registers, for Slipway's data
 * commands (dev.slipway.data.LaneMd5): MD5 is a chain of dependent steps that keeps one core's units mostly idle, and
 * many chains side by side run several times faster per core than one. The sixteen lanes are two groups of eight:
 * with AVX2 each group that has streams is one pass over 256-bit registers; with AVX-512, whose three-input logic and
 * rotate instructions make each step shorter, one group alone runs on 256-bit registers (VL) and both groups together
 * in one pass over 512-bit registers, for the cost of about one and a half passes of eight; a stream alone takes a
 * plain scalar path. Called through JNI with direct buffers; the Java side pads each stream's end and reads the
 * digests out of the state. Built by the data module's pom with gcc on Linux x86-64; each kernel is compiled for its
 * target alone and only run where the CPU reports it.
 */
#include <jni.h>
#include <errno.h>
#include <fcntl.h>
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* Linux's clone ioctl (linux/fs.h), spelled out so that the build needs no kernel headers. */
#ifndef FICLONE
#define FICLONE _IOW(0x94, 9, int)
#endif

#define LANES 16
#define GROUP 8
#define BLOCK 64
/*
 * How many blocks ahead of the one being digested each lane's next cache line is asked for: the lanes' streams lie
 * in separate pages, whose boundaries the hardware prefetcher does not cross (16-17% faster over the page cache).
 */
#define AHEAD 8

/*
 * Each step is a = b + ((a + x[w] + k + f(b, c, d)) <<< s), and b is the value the step before computed: the terms
 * that do not involve b are summed first, and each round function touches b last, so that the chain from one step
 * to the next is as short as the instructions allow (with AVX2: f 1-2, add 1, rotate 2, add 1).
 */
#define ADD(x, y) _mm256_add_epi32((x), (y))
#define F(b, c, d) _mm256_xor_si256(_mm256_and_si256(_mm256_xor_si256((c), (d)), (b)), (d))
#define G(b, c, d) _mm256_or_si256(_mm256_and_si256((b), (d)), _mm256_andnot_si256((d), (c)))
#define H(b, c, d) _mm256_xor_si256((b), _mm256_xor_si256((c), (d)))
#define I(b, c, d) _mm256_xor_si256((c), _mm256_or_si256((b), _mm256_xor_si256((d), ones)))
#define ROL(x, s) _mm256_or_si256(_mm256_slli_epi32((x), (s)), _mm256_srli_epi32((x), 32 - (s)))
#define STEP(f, a, b, c, d, w, k, s) \
    a = ADD(b, ROL(ADD(ADD(a, ADD(x[w], _mm256_set1_epi32((int32_t) (k)))), f(b, c, d)), s))

/*
 * With AVX-512 (VL: on 256-bit registers), a round function is one three-input logic instruction and the rotation
 * one instruction, which shortens the chain from one step to the next to four instructions. The immediates are the
 * functions' truth tables over (b, c, d): F = b ? c : d, G = d ? b : c, H = b ^ c ^ d, I = c ^ (b | ~d).
 */
#define F_TABLE 0xca
#define G_TABLE 0xe4
#define H_TABLE 0x96
#define I_TABLE 0x39
#define F5(b, c, d) _mm256_ternarylogic_epi32((b), (c), (d), F_TABLE)
#define G5(b, c, d) _mm256_ternarylogic_epi32((b), (c), (d), G_TABLE)
#define H5(b, c, d) _mm256_ternarylogic_epi32((b), (c), (d), H_TABLE)
#define I5(b, c, d) _mm256_ternarylogic_epi32((b), (c), (d), I_TABLE)
#define STEP5(f, a, b, c, d, w, k, s) \
    a = ADD(b, _mm256_rol_epi32(ADD(ADD(a, ADD(x[w], _mm256_set1_epi32((int32_t) (k)))), f(b, c, d)), s))

/* The same steps over 512-bit registers, sixteen lanes at once. */
#define ZADD(x, y) _mm512_add_epi32((x), (y))
#define ZF(b, c, d) _mm512_ternarylogic_epi32((b), (c), (d), F_TABLE)
#define ZG(b, c, d) _mm512_ternarylogic_epi32((b), (c), (d), G_TABLE)
#define ZH(b, c, d) _mm512_ternarylogic_epi32((b), (c), (d), H_TABLE)
#define ZI(b, c, d) _mm512_ternarylogic_epi32((b), (c), (d), I_TABLE)
#define ZSTEP(f, a, b, c, d, w, k, s) \
    a = ZADD(b, _mm512_rol_epi32(ZADD(ZADD(a, ZADD(x[w], _mm512_set1_epi32((int32_t) (k)))), f(b, c, d)), s))

static const uint8_t NOTHING[BLOCK];

/* The w-th little-endian 32-bit word of a block (x86 is little-endian; memcpy makes the unaligned load legal C). */
static inline int32_t word(const uint8_t *block, int w) {
    int32_t value;
    memcpy(&value, block + 4 * w, sizeof value);
    return value;
}

/* MD5's 64 steps, once for both paths: (round function, a, b, c, d, message word, constant, rotation). */
#define MD5_STEPS(STEP, F, G, H, I) \
    STEP(F, a, b, c, d,  0, 0xd76aa478u,  7); \
    STEP(F, d, a, b, c,  1, 0xe8c7b756u, 12); \
    STEP(F, c, d, a, b,  2, 0x242070dbu, 17); \
    STEP(F, b, c, d, a,  3, 0xc1bdceeeu, 22); \
    STEP(F, a, b, c, d,  4, 0xf57c0fafu,  7); \
    STEP(F, d, a, b, c,  5, 0x4787c62au, 12); \
    STEP(F, c, d, a, b,  6, 0xa8304613u, 17); \
    STEP(F, b, c, d, a,  7, 0xfd469501u, 22); \
    STEP(F, a, b, c, d,  8, 0x698098d8u,  7); \
    STEP(F, d, a, b, c,  9, 0x8b44f7afu, 12); \
    STEP(F, c, d, a, b, 10, 0xffff5bb1u, 17); \
    STEP(F, b, c, d, a, 11, 0x895cd7beu, 22); \
    STEP(F, a, b, c, d, 12, 0x6b901122u,  7); \
    STEP(F, d, a, b, c, 13, 0xfd987193u, 12); \
    STEP(F, c, d, a, b, 14, 0xa679438eu, 17); \
    STEP(F, b, c, d, a, 15, 0x49b40821u, 22); \
    STEP(G, a, b, c, d,  1, 0xf61e2562u,  5); \
    STEP(G, d, a, b, c,  6, 0xc040b340u,  9); \
    STEP(G, c, d, a, b, 11, 0x265e5a51u, 14); \
    STEP(G, b, c, d, a,  0, 0xe9b6c7aau, 20); \
    STEP(G, a, b, c, d,  5, 0xd62f105du,  5); \
    STEP(G, d, a, b, c, 10, 0x02441453u,  9); \
    STEP(G, c, d, a, b, 15, 0xd8a1e681u, 14); \
    STEP(G, b, c, d, a,  4, 0xe7d3fbc8u, 20); \
    STEP(G, a, b, c, d,  9, 0x21e1cde6u,  5); \
    STEP(G, d, a, b, c, 14, 0xc33707d6u,  9); \
    STEP(G, c, d, a, b,  3, 0xf4d50d87u, 14); \
    STEP(G, b, c, d, a,  8, 0x455a14edu, 20); \
    STEP(G, a, b, c, d, 13, 0xa9e3e905u,  5); \
    STEP(G, d, a, b, c,  2, 0xfcefa3f8u,  9); \
    STEP(G, c, d, a, b,  7, 0x676f02d9u, 14); \
    STEP(G, b, c, d, a, 12, 0x8d2a4c8au, 20); \
    STEP(H, a, b, c, d,  5, 0xfffa3942u,  4); \
    STEP(H, d, a, b, c,  8, 0x8771f681u, 11); \
    STEP(H, c, d, a, b, 11, 0x6d9d6122u, 16); \
    STEP(H, b, c, d, a, 14, 0xfde5380cu, 23); \
    STEP(H, a, b, c, d,  1, 0xa4beea44u,  4); \
    STEP(H, d, a, b, c,  4, 0x4bdecfa9u, 11); \
    STEP(H, c, d, a, b,  7, 0xf6bb4b60u, 16); \
    STEP(H, b, c, d, a, 10, 0xbebfbc70u, 23); \
    STEP(H, a, b, c, d, 13, 0x289b7ec6u,  4); \
    STEP(H, d, a, b, c,  0, 0xeaa127fau, 11); \
    STEP(H, c, d, a, b,  3, 0xd4ef3085u, 16); \
    STEP(H, b, c, d, a,  6, 0x04881d05u, 23); \
    STEP(H, a, b, c, d,  9, 0xd9d4d039u,  4); \
    STEP(H, d, a, b, c, 12, 0xe6db99e5u, 11); \
    STEP(H, c, d, a, b, 15, 0x1fa27cf8u, 16); \
    STEP(H, b, c, d, a,  2, 0xc4ac5665u, 23); \
    STEP(I, a, b, c, d,  0, 0xf4292244u,  6); \
    STEP(I, d, a, b, c,  7, 0x432aff97u, 10); \
    STEP(I, c, d, a, b, 14, 0xab9423a7u, 15); \
    STEP(I, b, c, d, a,  5, 0xfc93a039u, 21); \
    STEP(I, a, b, c, d, 12, 0x655b59c3u,  6); \
    STEP(I, d, a, b, c,  3, 0x8f0ccc92u, 10); \
    STEP(I, c, d, a, b, 10, 0xffeff47du, 15); \
    STEP(I, b, c, d, a,  1, 0x85845dd1u, 21); \
    STEP(I, a, b, c, d,  8, 0x6fa87e4fu,  6); \
    STEP(I, d, a, b, c, 15, 0xfe2ce6e0u, 10); \
    STEP(I, c, d, a, b,  6, 0xa3014314u, 15); \
    STEP(I, b, c, d, a, 13, 0x4e0811a1u, 21); \
    STEP(I, a, b, c, d,  4, 0xf7537e82u,  6); \
    STEP(I, d, a, b, c, 11, 0xbd3af235u, 10); \
    STEP(I, c, d, a, b,  2, 0x2ad7d2bbu, 15); \
    STEP(I, b, c, d, a,  9, 0xeb86d391u, 21);

#define F1(b, c, d) ((((c) ^ (d)) & (b)) ^ (d))
#define G1(b, c, d) ((((b) ^ (c)) & (d)) ^ (c))
#define H1(b, c, d) ((b) ^ (c) ^ (d))
#define I1(b, c, d) ((c) ^ ((b) | ~(d)))
#define ROL1(x, s) (((x) << (s)) | ((x) >> (32 - (s))))
#define STEP1(f, a, b, c, d, w, k, s) a = b + ROL1(a + f(b, c, d) + (uint32_t) word(block, w) + (k), s)

/* One lane alone, with plain 32-bit arithmetic: eight lanes' worth of vector work for one stream would be slower. */
static void compress_one(uint32_t state[4 * LANES], int lane, const uint8_t *data, int32_t blocks) {
    uint32_t a = state[0 * LANES + lane], b = state[1 * LANES + lane], c = state[2 * LANES + lane],
            d = state[3 * LANES + lane];
    for (int32_t index = 0; index < blocks; index++) {
        const uint8_t *block = data + (size_t) index * BLOCK;
        const uint32_t aa = a, bb = b, cc = c, dd = d;
        MD5_STEPS(STEP1, F1, G1, H1, I1);
        a += aa;
        b += bb;
        c += cc;
        d += dd;
    }
    state[0 * LANES + lane] = a;
    state[1 * LANES + lane] = b;
    state[2 * LANES + lane] = c;
    state[3 * LANES + lane] = d;
}

/*
 * Runs the compression function over blocks[l] blocks of data[l] for each lane l, on the state laid out as a[8], b[8],
 * c[8], d[8]. Lanes with fewer blocks than the longest keep their state once theirs are done.
 */
/*
 * Runs the compression function over blocks[l] blocks of data[l] for each lane l of one group of eight, on the state
 * laid out as a[16], b[16], c[16], d[16] (state, data and blocks point at the group's first lane). Lanes with fewer
 * blocks than the longest keep their state once theirs are done. One body, compiled twice: for AVX2 with STEP, and
 * for AVX-512 with STEP5.
 */
#define COMPRESS_BODY(STEP, F, G, H, I) \
    const __m256i ones = _mm256_set1_epi32(-1); \
    (void) ones; \
    __m256i a = _mm256_loadu_si256((const __m256i *) (state + 0 * LANES)); \
    __m256i b = _mm256_loadu_si256((const __m256i *) (state + 1 * LANES)); \
    __m256i c = _mm256_loadu_si256((const __m256i *) (state + 2 * LANES)); \
    __m256i d = _mm256_loadu_si256((const __m256i *) (state + 3 * LANES)); \
    const __m256i counts = _mm256_loadu_si256((const __m256i *) blocks); \
    int32_t longest = 0; \
    for (int lane = 0; lane < GROUP; lane++) { \
        if (blocks[lane] > longest) { \
            longest = blocks[lane]; \
        } \
    } \
    for (int32_t block = 0; block < longest; block++) { \
        const uint8_t *p[GROUP]; \
        for (int lane = 0; lane < GROUP; lane++) { \
            p[lane] = block < blocks[lane] ? data[lane] + (size_t) block * BLOCK : NOTHING; \
            if (block + AHEAD < blocks[lane]) { \
                __builtin_prefetch(p[lane] + AHEAD * BLOCK); \
            } \
        } \
        __m256i x[16]; \
        for (int w = 0; w < 16; w++) { \
            x[w] = _mm256_set_epi32(word(p[7], w), word(p[6], w), word(p[5], w), word(p[4], w), word(p[3], w), \
                    word(p[2], w), word(p[1], w), word(p[0], w)); \
        } \
        const __m256i aa = a, bb = b, cc = c, dd = d; \
        MD5_STEPS(STEP, F, G, H, I); \
        const __m256i live = _mm256_cmpgt_epi32(counts, _mm256_set1_epi32(block)); \
        a = _mm256_blendv_epi8(aa, ADD(a, aa), live); \
        b = _mm256_blendv_epi8(bb, ADD(b, bb), live); \
        c = _mm256_blendv_epi8(cc, ADD(c, cc), live); \
        d = _mm256_blendv_epi8(dd, ADD(d, dd), live); \
    } \
    _mm256_storeu_si256((__m256i *) (state + 0 * LANES), a); \
    _mm256_storeu_si256((__m256i *) (state + 1 * LANES), b); \
    _mm256_storeu_si256((__m256i *) (state + 2 * LANES), c); \
    _mm256_storeu_si256((__m256i *) (state + 3 * LANES), d);

__attribute__((target("avx2")))
static void compress_avx2(uint32_t *state, const uint8_t *const *data, const int32_t *blocks) {
    COMPRESS_BODY(STEP, F, G, H, I)
}

__attribute__((target("avx2,avx512f,avx512vl")))
static void compress_avx512(uint32_t *state, const uint8_t *const *data, const int32_t *blocks) {
    COMPRESS_BODY(STEP5, F5, G5, H5, I5)
}

/*
 * Both groups at once over 512-bit registers. Each lane's block is one 64-byte load; sixteen of them are transposed so
 * that register w holds message word w of every lane: 32-bit then 64-bit interleaves leave, in each 128-bit quarter,
 * four lanes' copies of one word, and two rounds of quarter shuffles put the four quarters of each word together.
 */
__attribute__((target("avx512f")))
static void compress_sixteen(uint32_t state[4 * LANES], const uint8_t *const data[LANES], const int32_t blocks[LANES]) {
    __m512i a = _mm512_loadu_si512(state + 0 * LANES);
    __m512i b = _mm512_loadu_si512(state + 1 * LANES);
    __m512i c = _mm512_loadu_si512(state + 2 * LANES);
    __m512i d = _mm512_loadu_si512(state + 3 * LANES);
    const __m512i counts = _mm512_loadu_si512(blocks);
    int32_t longest = 0;
    for (int lane = 0; lane < LANES; lane++) {
        if (blocks[lane] > longest) {
            longest = blocks[lane];
        }
    }
    for (int32_t block = 0; block < longest; block++) {
        __m512i row[LANES], pair[LANES], quad[LANES], x[16];
        for (int lane = 0; lane < LANES; lane++) {
            const uint8_t *p = block < blocks[lane] ? data[lane] + (size_t) block * BLOCK : NOTHING;
            if (block + AHEAD < blocks[lane]) {
                __builtin_prefetch(p + AHEAD * BLOCK);
            }
            row[lane] = _mm512_loadu_si512(p);
        }
        /* pair[2m], pair[2m+1]: lanes 2m and 2m+1 side by side, words 4q, 4q+1 and 4q+2, 4q+3 of each quarter q */
        for (int m = 0; m < LANES / 2; m++) {
            pair[2 * m] = _mm512_unpacklo_epi32(row[2 * m], row[2 * m + 1]);
            pair[2 * m + 1] = _mm512_unpackhi_epi32(row[2 * m], row[2 * m + 1]);
        }
        /* quad[4n+k]: in quarter q, word 4q+k of lanes 4n to 4n+3 */
        for (int n = 0; n < LANES / 4; n++) {
            quad[4 * n + 0] = _mm512_unpacklo_epi64(pair[4 * n], pair[4 * n + 2]);
            quad[4 * n + 1] = _mm512_unpackhi_epi64(pair[4 * n], pair[4 * n + 2]);
            quad[4 * n + 2] = _mm512_unpacklo_epi64(pair[4 * n + 1], pair[4 * n + 3]);
            quad[4 * n + 3] = _mm512_unpackhi_epi64(pair[4 * n + 1], pair[4 * n + 3]);
        }
        /* x[4q+k]: quarter q of quad[k], quad[4+k], quad[8+k], quad[12+k] */
        for (int k = 0; k < 4; k++) {
            const __m512i low0 = _mm512_shuffle_i32x4(quad[k], quad[4 + k], 0x44);
            const __m512i high0 = _mm512_shuffle_i32x4(quad[k], quad[4 + k], 0xee);
            const __m512i low1 = _mm512_shuffle_i32x4(quad[8 + k], quad[12 + k], 0x44);
            const __m512i high1 = _mm512_shuffle_i32x4(quad[8 + k], quad[12 + k], 0xee);
            x[k] = _mm512_shuffle_i32x4(low0, low1, 0x88);
            x[4 + k] = _mm512_shuffle_i32x4(low0, low1, 0xdd);
            x[8 + k] = _mm512_shuffle_i32x4(high0, high1, 0x88);
            x[12 + k] = _mm512_shuffle_i32x4(high0, high1, 0xdd);
        }
        const __m512i aa = a, bb = b, cc = c, dd = d;
        MD5_STEPS(ZSTEP, ZF, ZG, ZH, ZI);
        const __mmask16 live = _mm512_cmpgt_epi32_mask(counts, _mm512_set1_epi32(block));
        a = _mm512_mask_add_epi32(aa, live, a, aa);
        b = _mm512_mask_add_epi32(bb, live, b, bb);
        c = _mm512_mask_add_epi32(cc, live, c, cc);
        d = _mm512_mask_add_epi32(dd, live, d, dd);
    }
    _mm512_storeu_si512(state + 0 * LANES, a);
    _mm512_storeu_si512(state + 1 * LANES, b);
    _mm512_storeu_si512(state + 2 * LANES, c);
    _mm512_storeu_si512(state + 3 * LANES, d);
}

/* One group of eight lanes (first is 0 or GROUP): nothing, the scalar path for one stream, or the group's kernel. */
static void compress_group(uint32_t words[4 * LANES], const uint8_t *const pointers[LANES], const jint counts[LANES],
        int first, int kernel) {
    int busy = 0, only = 0;
    for (int lane = first; lane < first + GROUP; lane++) {
        if (counts[lane] > 0) {
            busy++;
            only = lane;
        }
    }
    if (busy == 1) {
        compress_one(words, only, pointers[only], counts[only]);
    } else if (busy > 1 && kernel == 2) {
        compress_avx512(words + first, pointers + first, counts + first);
    } else if (busy > 1) {
        compress_avx2(words + first, pointers + first, counts + first);
    }
}

/*
 * The widest kernel this CPU runs: 2 with AVX-512 (F and VL), 1 with AVX2, 0 without; asked of the CPU once (every
 * call of compress checks its argument against it; threads racing the first call store the same value).
 */
static int widest(void) {
    static volatile int known = -1;
    if (known < 0) {
        __builtin_cpu_init();
        known = !__builtin_cpu_supports("avx2") ? 0
                : __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") ? 2 : 1;
    }
    return known;
}

/* The widest kernel this CPU runs (see widest); the Java side passes it, or a narrower one, to compress. */
JNIEXPORT jint JNICALL Java_dev_slipway_data_LaneMd5_widest(JNIEnv *env, jclass type) {
    (void) env;
    (void) type;
    return widest();
}

/*
 * state: int[64]; data: sixteen direct ByteBuffers (null for an idle lane), each read from its start; blocks: int[16];
 * kernel: 1 for AVX2, 2 for AVX-512 (at most what widest returned). Returns false, with nothing changed, when an
 * argument is not as described (the Java side checks them first).
 */
JNIEXPORT jboolean JNICALL Java_dev_slipway_data_LaneMd5_compress(JNIEnv *env, jclass type, jintArray state,
        jobjectArray data, jintArray blocks, jint kernel) {
    (void) type;
    if (kernel < 1 || kernel > widest()) {
        return JNI_FALSE;
    }
    if ((*env)->GetArrayLength(env, state) != 4 * LANES || (*env)->GetArrayLength(env, data) != LANES
            || (*env)->GetArrayLength(env, blocks) != LANES) {
        return JNI_FALSE;
    }
    jint counts[LANES];
    (*env)->GetIntArrayRegion(env, blocks, 0, LANES, counts);
    const uint8_t *pointers[LANES];
    for (int lane = 0; lane < LANES; lane++) {
        jobject buffer = (*env)->GetObjectArrayElement(env, data, lane);
        pointers[lane] = NOTHING;
        if (counts[lane] < 0 || (buffer == NULL && counts[lane] > 0)) {
            return JNI_FALSE;
        }
        if (buffer != NULL) {
            uint8_t *address = (*env)->GetDirectBufferAddress(env, buffer);
            jlong capacity = (*env)->GetDirectBufferCapacity(env, buffer);
            (*env)->DeleteLocalRef(env, buffer);
            if (address == NULL || (jlong) counts[lane] * BLOCK > capacity) {
                return JNI_FALSE;
            }
            pointers[lane] = address;
        }
    }
    uint32_t words[4 * LANES];
    (*env)->GetIntArrayRegion(env, state, 0, 4 * LANES, (jint *) words);
    int low = 0, high = 0;
    for (int lane = 0; lane < LANES; lane++) {
        if (counts[lane] > 0) {
            *(lane < GROUP ? &low : &high) += 1;
        }
    }
    if (kernel == 2 && low > 0 && high > 0 && low + high > 2) {
        compress_sixteen(words, pointers, counts);
    } else {
        compress_group(words, pointers, counts, 0, kernel);
        compress_group(words, pointers, counts, GROUP, kernel);
    }
    (*env)->SetIntArrayRegion(env, state, 0, 4 * LANES, (const jint *) words);
    return JNI_TRUE;
}

/* A NUL-terminated copy of a Java byte array (a path in the file system's encoding); NULL when out of memory. */
static char *path_of(JNIEnv *env, jbyteArray bytes) {
    jsize length = (*env)->GetArrayLength(env, bytes);
    char *path = malloc((size_t) length + 1);
    if (path != NULL) {
        (*env)->GetByteArrayRegion(env, bytes, 0, length, (jbyte *) path);
        path[length] = 0;
    }
    return path;
}

/*
 * Beside the kernel, for the data commands' reflink link type: clones file source into target, a new file, with
 * the FICLONE ioctl (copy-on-write file systems such as Btrfs and XFS), instead of running cp for each file. Returns
 * 0, or the errno of the step that failed (EOPNOTSUPP, EXDEV or EINVAL where the file system cannot clone), target
 * then removed if this call created it.
 */
JNIEXPORT jint JNICALL Java_dev_slipway_data_LaneMd5_cloneFile(JNIEnv *env, jclass type, jbyteArray source,
        jbyteArray target) {
    (void) type;
    char *from = path_of(env, source);
    char *to = path_of(env, target);
    int error = 0;
    if (from == NULL || to == NULL) {
        error = ENOMEM;
    } else {
        int in = open(from, O_RDONLY | O_CLOEXEC);
        struct stat status;
        if (in < 0) {
            error = errno;
        } else if (fstat(in, &status) != 0) {
            error = errno;
            close(in);
        } else {
            int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, status.st_mode & 0777);
            if (out < 0) {
                error = errno;
            } else {
                if (ioctl(out, FICLONE, in) != 0) {
                    error = errno;
                }
                if (close(out) != 0 && error == 0) {
                    error = errno;
                }
                if (error != 0) {
                    unlink(to);
                }
            }
            close(in);
        }
    }
    free(from);
    free(to);
    return error;
}
