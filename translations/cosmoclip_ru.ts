<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU" sourcelanguage="en">
<context>
    <name>cosmoclip::CaptionSaveJob</name>
    <message>
        <source>Saving caption</source>
        <translation>Сохранение подписи</translation>
    </message>
</context>
<context>
    <name>cosmoclip::CatalogBrowser</name>
    <message>
        <source>Path</source>
        <translation>Путь</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <source>Date (newest)</source>
        <translation>Дата (новые)</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Сходство</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;No catalog open&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Open a catalog (Ctrl+Shift+O) or create one (Ctrl+Shift+N), then drop image files or folders on the window.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Каталог не открыт&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Откройте каталог (Ctrl+Shift+O) или создайте новый (Ctrl+Shift+N), затем перетащите в окно файлы изображений или папки.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Back to catalog</source>
        <translation>Назад к каталогу</translation>
    </message>
    <message>
        <source>Show the whole catalog again (Esc)</source>
        <translation>Снова показать весь каталог (Esc)</translation>
    </message>
    <message>
        <source>Only images whose best label (the chip under the thumbnail) is this one</source>
        <translation>Только изображения, у которых лучшая метка (плашка под миниатюрой) — эта</translation>
    </message>
    <message>
        <source>Header: object=M51 telescope=… or any text</source>
        <translation>Заголовок: object=M51 telescope=… или любой текст</translation>
    </message>
    <message>
        <source>Words that must all match: KEY=VALUE compares a header key exactly (object, telescope, instrument, filter, format, date-obs); other words are looked for in those values and the file name.</source>
        <translation>Слова, которые должны совпасть все: КЛЮЧ=ЗНАЧЕНИЕ сравнивает ключ заголовка точно (object, telescope, instrument, filter, format, date-obs); остальные слова ищутся в этих значениях и в имени файла.</translation>
    </message>
    <message>
        <source>&amp;Label</source>
        <translation>&amp;Метка</translation>
    </message>
    <message>
        <source>S&amp;ort</source>
        <translation>&amp;Сортировка</translation>
    </message>
    <message>
        <source>Images per best label; click a label to show only its images</source>
        <translation>Число изображений по лучшей метке; щёлкните метку, чтобы показать только её изображения</translation>
    </message>
    <message>
        <source>Hide the label summary</source>
        <translation>Скрыть сводку по меткам</translation>
    </message>
    <message>
        <source>“%1” — %2 ranked by similarity</source>
        <translation>«%1» — %2, по убыванию сходства</translation>
    </message>
    <message>
        <source>Best label of %1</source>
        <translation>Лучшая метка: %1</translation>
    </message>
    <message>
        <source>All labels</source>
        <translation>Все метки</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 из %2</translation>
    </message>
    <message>
        <source>Find Similar</source>
        <translation>Найти похожие</translation>
    </message>
    <message>
        <source>Copy Path</source>
        <translation>Копировать путь</translation>
    </message>
    <message>
        <source>Show Only “%1”</source>
        <translation>Показать только «%1»</translation>
    </message>
</context>
<context>
    <name>cosmoclip::CatalogController</name>
    <message>
        <source>No catalog to %1</source>
        <translation>Нет каталога, чтобы %1</translation>
    </message>
    <message>
        <source>Open a catalog (File › Open Catalog…) or create one (File › New Catalog…) first.</source>
        <translation>Сначала откройте каталог (Файл › Открыть каталог…) или создайте новый (Файл › Новый каталог…).</translation>
    </message>
    <message>
        <source>No model to %1</source>
        <translation>Нет модели, чтобы %1</translation>
    </message>
    <message>
        <source>Choose a model first: Model › Add Model Folder… (a Hugging Face or open_clip folder) or Model › Add OpenAI .pt File…</source>
        <translation>Сначала выберите модель: Модель › Добавить папку модели… (папка Hugging Face или open_clip) или Модель › Добавить файл OpenAI .pt…</translation>
    </message>
    <message>
        <source>Could not open catalog %1</source>
        <translation>Не удалось открыть каталог %1</translation>
    </message>
    <message>
        <source>No catalog for the model</source>
        <translation>Нет каталога для модели</translation>
    </message>
    <message>
        <source>Open or create a catalog first; models are registered in it.</source>
        <translation>Сначала откройте или создайте каталог: модели регистрируются в нём.</translation>
    </message>
    <message>
        <source>Could not load model %1</source>
        <translation>Не удалось загрузить модель %1</translation>
    </message>
    <message>
        <source>Could not read catalog %1</source>
        <translation>Не удалось прочитать каталог %1</translation>
    </message>
    <message>
        <source>add images</source>
        <translation>добавить изображения</translation>
    </message>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… и ещё %n</numerusform>
            <numerusform>… и ещё %n</numerusform>
            <numerusform>… и ещё %n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) could not be added</source>
        <translation>
            <numerusform>Не удалось добавить %n файл</numerusform>
            <numerusform>Не удалось добавить %n файла</numerusform>
            <numerusform>Не удалось добавить %n файлов</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not add images</source>
        <translation>Не удалось добавить изображения</translation>
    </message>
    <message>
        <source>label images</source>
        <translation>разметить изображения</translation>
    </message>
    <message>
        <source>Could not label the images</source>
        <translation>Не удалось разметить изображения</translation>
    </message>
    <message>
        <source>Search failed: %1</source>
        <translation>Поиск не удался: %1</translation>
    </message>
    <message>
        <source>search</source>
        <translation>искать</translation>
    </message>
    <message>
        <source>find similar images</source>
        <translation>найти похожие изображения</translation>
    </message>
    <message>
        <source>Similar to %1</source>
        <translation>Похожие на %1</translation>
    </message>
    <message>
        <source>Could not save the caption</source>
        <translation>Не удалось сохранить подпись</translation>
    </message>
    <message>
        <source>Could not read the catalog</source>
        <translation>Не удалось прочитать каталог</translation>
    </message>
</context>
<context>
    <name>cosmoclip::CatalogExamplesJob</name>
    <message>
        <source>Reading the training images</source>
        <translation>Чтение обучающих изображений</translation>
    </message>
</context>
<context>
    <name>cosmoclip::CatalogLoadJob</name>
    <message>
        <source>Reading %1</source>
        <translation>Чтение %1</translation>
    </message>
</context>
<context>
    <name>cosmoclip::ClassifyJob</name>
    <message numerus="yes">
        <source>Labelling with %n labels</source>
        <translation>
            <numerusform>Разметка по %n метке</numerusform>
            <numerusform>Разметка по %n меткам</numerusform>
            <numerusform>Разметка по %n меткам</numerusform>
        </translation>
    </message>
    <message>
        <source>Embedding %1</source>
        <translation>Вычисление эмбеддинга %1</translation>
    </message>
    <message>
        <source>Storing labels</source>
        <translation>Сохранение меток</translation>
    </message>
</context>
<context>
    <name>cosmoclip::CompareJob</name>
    <message numerus="yes">
        <source>Comparing %n model(s)</source>
        <translation>
            <numerusform>Сравнение %n модели</numerusform>
            <numerusform>Сравнение %n моделей</numerusform>
            <numerusform>Сравнение %n моделей</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cosmoclip::DisplayText</name>
    <message>
        <source>%1 (empty)</source>
        <comment>HDU</comment>
        <translation>%1 (пустой)</translation>
    </message>
    <message>
        <source>%1 image %2 %3</source>
        <comment>HDU: index and name, shape, pixel type</comment>
        <translation>%1 изображение %2 %3</translation>
    </message>
    <message>
        <source>%1 table %2 cols x %3 rows</source>
        <comment>HDU</comment>
        <translation>%1 таблица: столбцов %2, строк %3</translation>
    </message>
    <message>
        <source>%1 table</source>
        <comment>HDU</comment>
        <translation>%1 таблица</translation>
    </message>
    <message>
        <source>%1 random groups</source>
        <comment>HDU</comment>
        <translation>%1 случайные группы</translation>
    </message>
    <message>
        <source>blank</source>
        <comment>a FITS BLANK pixel</comment>
        <translation>BLANK</translation>
    </message>
    <message>
        <source>(plane %1 / %2)</source>
        <translation>(плоскость %1 / %2)</translation>
    </message>
    <message>
        <source>image: %1 layers × %2, patch %3, %4 px; text: %5 layers × %6, context %7; embedding %8; %9</source>
        <translation>изображение: слоёв %1 × %2, патч %3, %4 пкс; текст: слоёв %5 × %6, контекст %7; эмбеддинг %8; %9</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n изображение</numerusform>
            <numerusform>%n изображения</numerusform>
            <numerusform>%n изображений</numerusform>
        </translation>
    </message>
    <message>
        <source>user</source>
        <comment>label or caption source: typed by the user</comment>
        <translation>пользователь</translation>
    </message>
    <message>
        <source>import</source>
        <comment>label or caption source: imported with cosmoclip annotate</comment>
        <translation>импорт</translation>
    </message>
    <message>
        <source>template</source>
        <comment>caption source: made from the image&apos;s labels</comment>
        <translation>шаблон</translation>
    </message>
    <message>
        <source>zero-shot</source>
        <comment>label source: computed by the model</comment>
        <translation>без обучения</translation>
    </message>
    <message>
        <source>running</source>
        <comment>fine-tuning run</comment>
        <translation>идёт</translation>
    </message>
    <message>
        <source>finished</source>
        <comment>fine-tuning run</comment>
        <translation>завершён</translation>
    </message>
    <message>
        <source>cancelled</source>
        <comment>fine-tuning run</comment>
        <translation>отменён</translation>
    </message>
    <message>
        <source>failed</source>
        <comment>fine-tuning run</comment>
        <translation>ошибка</translation>
    </message>
    <message>
        <source>interrupted</source>
        <comment>fine-tuning run</comment>
        <translation>прерван</translation>
    </message>
    <message>
        <source>%1 B</source>
        <comment>bytes</comment>
        <translation>%1 Б</translation>
    </message>
    <message>
        <source>%1 KB</source>
        <translation>%1 КБ</translation>
    </message>
    <message>
        <source>%1 MB</source>
        <translation>%1 МБ</translation>
    </message>
    <message>
        <source>%1 GB</source>
        <translation>%1 ГБ</translation>
    </message>
    <message>
        <source>%1 TB</source>
        <translation>%1 ТБ</translation>
    </message>
</context>
<context>
    <name>cosmoclip::ErrorBanner</name>
    <message>
        <source>Dismiss</source>
        <translation>Закрыть</translation>
    </message>
</context>
<context>
    <name>cosmoclip::FineTuneWizard</name>
    <message>
        <source>Quick</source>
        <translation>Быстрый</translation>
    </message>
    <message>
        <source>Standard</source>
        <translation>Стандартный</translation>
    </message>
    <message>
        <source>Thorough</source>
        <translation>Тщательный</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 с</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 мин</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 ч</translation>
    </message>
    <message>
        <source>Fine-tune a Model</source>
        <translation>Дообучение модели</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>&amp;Начать</translation>
    </message>
    <message>
        <source>&lt; &amp;Back</source>
        <translation>&lt; &amp;Назад</translation>
    </message>
    <message>
        <source>&amp;Next &gt;</source>
        <translation>&amp;Далее &gt;</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>Базовая модель</translation>
    </message>
    <message>
        <source>The model to start from: one of the catalog&apos;s models, or another folder or .pt file.</source>
        <translation>Модель, с которой начать: одна из моделей каталога, другая папка или файл .pt.</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>Папка…</translation>
    </message>
    <message>
        <source>.pt File…</source>
        <translation>Файл .pt…</translation>
    </message>
    <message>
        <source>The fine-tuned model is written as a new folder; the base model is not changed.</source>
        <translation>Дообученная модель записывается в новую папку; базовая модель не меняется.</translation>
    </message>
    <message>
        <source>Base Model Folder</source>
        <translation>Папка базовой модели</translation>
    </message>
    <message>
        <source>OpenAI .pt File</source>
        <translation>Файл OpenAI .pt</translation>
    </message>
    <message>
        <source>PyTorch files (*.pt)</source>
        <translation>Файлы PyTorch (*.pt)</translation>
    </message>
    <message>
        <source>Choose the model to start from (Model › Models… adds one to the catalog).</source>
        <translation>Выберите исходную модель (Модель › Модели… добавляет модель в каталог).</translation>
    </message>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1 не существует.</translation>
    </message>
    <message>
        <source>Training images</source>
        <translation>Обучающие изображения</translation>
    </message>
    <message>
        <source>Which images to learn from, the text paired with each, and how they are split. An image&apos;s split follows from its content, so test images never leak into training.</source>
        <translation>Какие изображения брать, какой текст им сопоставить и как разбить их на выборки. Выборка определяется содержимым изображения, так что тестовые не попадут в обучение.</translation>
    </message>
    <message>
        <source>The whole catalog</source>
        <translation>Весь каталог</translation>
    </message>
    <message>
        <source>Images with one of these labels:</source>
        <translation>Изображения с одной из этих меток:</translation>
    </message>
    <message>
        <source>Images:</source>
        <translation>Изображения:</translation>
    </message>
    <message>
        <source>“LABEL: caption” (label and caption together)</source>
        <translation>«МЕТКА: подпись» (метка и подпись вместе)</translation>
    </message>
    <message>
        <source>Text per image:</source>
        <translation>Текст к изображению:</translation>
    </message>
    <message>
        <source>train</source>
        <translation>обучающая</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>проверочная</translation>
    </message>
    <message>
        <source>test</source>
        <translation>тестовая</translation>
    </message>
    <message>
        <source>Split:</source>
        <translation>Разбиение:</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>Класс</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>Обучение</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>Проверка</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Тест</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1 ⚠</source>
        <translation>%1 ⚠</translation>
    </message>
    <message>
        <source>Fewer than %1 training images: the model learns little about this class.</source>
        <translation>Меньше %1 обучающих изображений: модель мало узнает об этом классе.</translation>
    </message>
    <message>
        <source>Reading the catalog&apos;s images…</source>
        <translation>Чтение изображений каталога…</translation>
    </message>
    <message>
        <source>Cannot read the catalog: %1</source>
        <translation>Не удаётся прочитать каталог: %1</translation>
    </message>
    <message>
        <source>The catalog has no readable images: add a folder first (File › Add Folder…).</source>
        <translation>В каталоге нет читаемых изображений: сначала добавьте папку (Файл › Добавить папку…).</translation>
    </message>
    <message>
        <source>The split fractions add up to %1; they must add up to 1.</source>
        <translation>Сумма долей выборок равна %1, а должна быть равна 1.</translation>
    </message>
    <message>
        <source>No image in the catalog has a label of its own (a user or imported label), so there is nothing to learn classes from or to validate with. Label images in the details panel or import labels with `cosmoclip annotate`.</source>
        <translation>Ни у одного изображения в каталоге нет собственной метки (заданной пользователем или импортированной), поэтому не на чем учить классы и нечем проверять. Разметьте изображения на панели сведений или импортируйте метки командой `cosmoclip annotate`.</translation>
    </message>
    <message>
        <source>Tick at least one label, or use the whole catalog.</source>
        <translation>Отметьте хотя бы одну метку или возьмите весь каталог.</translation>
    </message>
    <message>
        <source>The train split is empty: raise the train fraction or add images with labels or captions.</source>
        <translation>Обучающая выборка пуста: увеличьте её долю или добавьте изображения с метками или подписями.</translation>
    </message>
    <message numerus="yes">
        <source>%n training image(s).</source>
        <translation>
            <numerusform>%n обучающее изображение.</numerusform>
            <numerusform>%n обучающих изображения.</numerusform>
            <numerusform>%n обучающих изображений.</numerusform>
        </translation>
    </message>
    <message>
        <source>Classes with fewer than %1 training images (⚠): %2. Training can go on, but the model will hardly learn them.</source>
        <translation>Классы, в которых меньше %1 обучающих изображений (⚠): %2. Обучение возможно, но модель их почти не выучит.</translation>
    </message>
    <message>
        <source>Training settings</source>
        <translation>Параметры обучения</translation>
    </message>
    <message>
        <source>A preset sets the epochs and the learning rate; the advanced settings change anything else.</source>
        <translation>Профиль задаёт число эпох и скорость обучения; дополнительные параметры меняют всё остальное.</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n epoch(s), learning rate %2</source>
        <translation>
            <numerusform>%1: %n эпоха, скорость обучения %2</numerusform>
            <numerusform>%1: %n эпохи, скорость обучения %2</numerusform>
            <numerusform>%1: %n эпох, скорость обучения %2</numerusform>
        </translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>Свой</translation>
    </message>
    <message>
        <source>Preset:</source>
        <translation>Профиль:</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>Дополнительно</translation>
    </message>
    <message>
        <source>Epochs:</source>
        <translation>Эпохи:</translation>
    </message>
    <message>
        <source>Images per step; the contrastive loss compares each image with the others of its batch</source>
        <translation>Изображений на шаг; контрастная функция потерь сравнивает каждое изображение с остальными в его пакете</translation>
    </message>
    <message>
        <source>Batch size:</source>
        <translation>Размер пакета:</translation>
    </message>
    <message>
        <source>Learning rate:</source>
        <translation>Скорость обучения:</translation>
    </message>
    <message>
        <source>Nothing (full fine-tune)</source>
        <translation>Ничего (полное дообучение)</translation>
    </message>
    <message>
        <source>The text tower</source>
        <translation>Текстовый кодировщик</translation>
    </message>
    <message>
        <source>All but the last N blocks</source>
        <translation>Всё, кроме последних N блоков</translation>
    </message>
    <message>
        <source>N = </source>
        <translation>N = </translation>
    </message>
    <message>
        <source>Freeze:</source>
        <translation>Заморозить:</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>ЦП</translation>
    </message>
    <message>
        <source>CUDA GPU</source>
        <translation>ГП CUDA</translation>
    </message>
    <message>
        <source>Automatic (GPU when there is one)</source>
        <translation>Автоматически (ГП, если он есть)</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>Устройство:</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Выбрать…</translation>
    </message>
    <message>
        <source>Output folder:</source>
        <translation>Папка результата:</translation>
    </message>
    <message>
        <source>Output Folder</source>
        <translation>Папка результата</translation>
    </message>
    <message>
        <source>The batch (%1) is larger than the train split (%2 images): every step sees all of them.</source>
        <translation>Пакет (%1) больше обучающей выборки (изображений: %2): каждый шаг видит их все.</translation>
    </message>
    <message>
        <source>Choose an output folder for the fine-tuned model.</source>
        <translation>Выберите папку для дообученной модели.</translation>
    </message>
    <message>
        <source>%1 is a file, not a folder.</source>
        <translation>%1 — файл, а не папка.</translation>
    </message>
    <message>
        <source>%1 already holds other files: choose a new folder.</source>
        <translation>В %1 уже есть другие файлы: выберите новую папку.</translation>
    </message>
    <message>
        <source>The device cannot be used: %1</source>
        <translation>Устройство недоступно: %1</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Сводка</translation>
    </message>
    <message>
        <source>Start opens the training dashboard; the window stays usable while the model trains.</source>
        <translation>«Начать» открывает панель обучения; пока модель учится, окном можно пользоваться.</translation>
    </message>
    <message>
        <source>&lt;table&gt;&lt;tr&gt;&lt;td&gt;Base model:&lt;/td&gt;&lt;td&gt;%1&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Images:&lt;/td&gt;&lt;td&gt;%2; %3 for training&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Split:&lt;/td&gt;&lt;td&gt;%4 (train, validation, test)&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Training:&lt;/td&gt;&lt;td&gt;%5 epochs, batch %6, learning rate %7, %8 steps&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Freeze:&lt;/td&gt;&lt;td&gt;%9&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Output:&lt;/td&gt;&lt;td&gt;%10&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;</source>
        <translation>&lt;table&gt;&lt;tr&gt;&lt;td&gt;Базовая модель:&lt;/td&gt;&lt;td&gt;%1&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Изображения:&lt;/td&gt;&lt;td&gt;%2; для обучения: %3&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Разбиение:&lt;/td&gt;&lt;td&gt;%4 (обучение, проверка, тест)&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Обучение:&lt;/td&gt;&lt;td&gt;эпох: %5, пакет %6, скорость обучения %7, шагов: %8&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Заморозка:&lt;/td&gt;&lt;td&gt;%9&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Результат:&lt;/td&gt;&lt;td&gt;%10&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;</translation>
    </message>
    <message>
        <source>the whole catalog</source>
        <translation>весь каталог</translation>
    </message>
    <message>
        <source>labels %1</source>
        <translation>метки %1</translation>
    </message>
    <message>
        <source>Estimating the time: measuring one training step…</source>
        <translation>Оценка времени: замер одного шага обучения…</translation>
    </message>
    <message>
        <source>Estimated time: about %1 (an estimate: %2 steps × %3 per measured step; reading images and validation come on top).</source>
        <translation>Ожидаемое время: около %1 (оценка: шагов %2 × %3 на замеренный шаг; чтение изображений и проверка — сверх того).</translation>
    </message>
    <message>
        <source>No time estimate: %1</source>
        <translation>Время не оценено: %1</translation>
    </message>
    <message>
        <source>Caption, else “a photo of a LABEL.”</source>
        <translation>Подпись, иначе «a photo of a МЕТКА.»</translation>
    </message>
</context>
<context>
    <name>cosmoclip::FolderTreeModel</name>
    <message>
        <source>Folders</source>
        <translation>Папки</translation>
    </message>
    <message>
        <source>All images</source>
        <translation>Все изображения</translation>
    </message>
</context>
<context>
    <name>cosmoclip::HeaderDock</name>
    <message>
        <source>Header</source>
        <translation>Заголовок</translation>
    </message>
    <message>
        <source>Filter keys, values and comments</source>
        <translation>Фильтр по ключам, значениям и комментариям</translation>
    </message>
</context>
<context>
    <name>cosmoclip::HeaderModel</name>
    <message>
        <source>Key</source>
        <translation>Ключ</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Значение</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Комментарий</translation>
    </message>
</context>
<context>
    <name>cosmoclip::HubDownloadDialog</name>
    <message>
        <source>Download</source>
        <translation>Скачать</translation>
    </message>
    <message>
        <source>Download from Hugging Face</source>
        <translation>Скачать с Hugging Face</translation>
    </message>
    <message>
        <source>The model&apos;s weights (safetensors; PyTorch .bin files are converted), configuration and tokenizer are downloaded from %1, checked against the hub&apos;s checksums and kept in %2. An interrupted download resumes. Gated or private models need an access token in the HF_TOKEN environment variable; HF_ENDPOINT names a mirror.</source>
        <translation>Веса модели (safetensors; файлы PyTorch .bin преобразуются), конфигурация и токенизатор скачиваются с %1, сверяются с контрольными суммами хаба и хранятся в %2. Прерванная загрузка продолжается с места остановки. Для закрытых и частных моделей нужен токен доступа в переменной окружения HF_TOKEN; HF_ENDPOINT задаёт зеркало.</translation>
    </message>
    <message>
        <source>Model (owner/name):</source>
        <translation>Модель (владелец/имя):</translation>
    </message>
    <message>
        <source>Revision:</source>
        <translation>Ревизия:</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>Expected owner/name, e.g. openai/clip-vit-base-patch32</source>
        <translation>Ожидается владелец/имя, например openai/clip-vit-base-patch32</translation>
    </message>
</context>
<context>
    <name>cosmoclip::HubPullJob</name>
    <message>
        <source>Downloading %1 from Hugging Face</source>
        <translation>Загрузка %1 с Hugging Face</translation>
    </message>
</context>
<context>
    <name>cosmoclip::ImageDetailsPanel</name>
    <message>
        <source>Save caption</source>
        <translation>Сохранить подпись</translation>
    </message>
    <message>
        <source>Find similar</source>
        <translation>Найти похожие</translation>
    </message>
    <message>
        <source>No labels yet</source>
        <translation>Меток пока нет</translation>
    </message>
    <message>
        <source>Type labels separated by commas in the query bar to compute them</source>
        <translation>Чтобы вычислить метки, введите их через запятую в строке запроса</translation>
    </message>
    <message>
        <source>Describe this image in your words; saved as your caption</source>
        <translation>Опишите изображение своими словами; текст сохранится как ваша подпись</translation>
    </message>
    <message>
        <source>Rank the catalog by similarity to this image (Ctrl+Shift+F)</source>
        <translation>Упорядочить каталог по сходству с этим изображением (Ctrl+Shift+F)</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>Метки</translation>
    </message>
    <message>
        <source>Captions</source>
        <translation>Подписи</translation>
    </message>
    <message>
        <source>EXPTIME %1 s</source>
        <comment>exposure time in seconds</comment>
        <translation>EXPTIME %1 с</translation>
    </message>
    <message>
        <source>No other captions</source>
        <translation>Других подписей нет</translation>
    </message>
    <message>
        <source>No image selected</source>
        <translation>Изображение не выбрано</translation>
    </message>
</context>
<context>
    <name>cosmoclip::ImageDocument</name>
    <message>
        <source>could not be loaded</source>
        <translation>не удалось загрузить</translation>
    </message>
</context>
<context>
    <name>cosmoclip::ImageFilter</name>
    <message>
        <source>unknown key “%1”; known keys: %2</source>
        <translation>неизвестный ключ «%1»; известные ключи: %2</translation>
    </message>
</context>
<context>
    <name>cosmoclip::ImageGridModel</name>
    <message>
        <source>
score %1</source>
        <translation>
сходство %1</translation>
    </message>
    <message>
        <source>
%1 (%2 %)</source>
        <translation>
%1 (%2 %)</translation>
    </message>
</context>
<context>
    <name>cosmoclip::ImageView</name>
    <message>
        <source>Open a FITS, PNG, JPEG or TIFF file
(File ▸ Open, or drop it here)</source>
        <translation>Откройте файл FITS, PNG, JPEG или TIFF
(Файл ▸ Открыть или перетащите его сюда)</translation>
    </message>
</context>
<context>
    <name>cosmoclip::IndexJob</name>
    <message>
        <source>Adding %1</source>
        <translation>Добавление %1</translation>
    </message>
    <message numerus="yes">
        <source>Adding %n files and folders</source>
        <translation>
            <numerusform>Добавление %n файла или папки</numerusform>
            <numerusform>Добавление %n файлов и папок</numerusform>
            <numerusform>Добавление %n файлов и папок</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cosmoclip::Job</name>
    <message>
        <source>not enough memory</source>
        <translation>недостаточно памяти</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>неизвестная ошибка</translation>
    </message>
</context>
<context>
    <name>cosmoclip::JobStatusWidget</name>
    <message>
        <source>Cancel</source>
        <translation>Отменить</translation>
    </message>
    <message>
        <source>Stop this job; what it stored so far is kept</source>
        <translation>Остановить задачу; уже сохранённое останется</translation>
    </message>
    <message>
        <source>Cancelling %1…</source>
        <translation>Отмена: %1…</translation>
    </message>
    <message>
        <source>%1 (+%2 more)</source>
        <translation>%1 (и ещё %2)</translation>
    </message>
</context>
<context>
    <name>cosmoclip::MainWindow</name>
    <message>
        <source>Auto</source>
        <translation>Авто</translation>
    </message>
    <message>
        <source>Linear</source>
        <translation>Линейная</translation>
    </message>
    <message>
        <source>Percentile 99.5 %</source>
        <translation>Перцентиль 99,5 %</translation>
    </message>
    <message>
        <source>ZScale</source>
        <translation>ZScale</translation>
    </message>
    <message>
        <source>Asinh</source>
        <translation>Гиперболический арксинус</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Логарифмическая</translation>
    </message>
    <message>
        <source>Sqrt</source>
        <translation>Квадратный корень</translation>
    </message>
    <message>
        <source>Histogram equalisation</source>
        <translation>Выравнивание гистограммы</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Без растяжки</translation>
    </message>
    <message>
        <source>CosmoCLIP catalogs (*.sqlite *.db);;All files (*)</source>
        <translation>Каталоги CosmoCLIP (*.sqlite *.db);;Все файлы (*)</translation>
    </message>
    <message>
        <source>Images (*.fits *.fit *.fts *.fz *.gz *.png *.jpg *.jpeg *.tif *.tiff);;FITS (*.fits *.fit *.fts *.fz *.gz);;PNG, JPEG, TIFF (*.png *.jpg *.jpeg *.tif *.tiff);;All files (*)</source>
        <translation>Изображения (*.fits *.fit *.fts *.fz *.gz *.png *.jpg *.jpeg *.tif *.tiff);;FITS (*.fits *.fit *.fts *.fz *.gz);;PNG, JPEG, TIFF (*.png *.jpg *.jpeg *.tif *.tiff);;Все файлы (*)</translation>
    </message>
    <message>
        <source>Folders</source>
        <translation>Папки</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>Изображение</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>&amp;Открыть…</translation>
    </message>
    <message>
        <source>Open a FITS, PNG, JPEG or TIFF file (Ctrl+O)</source>
        <translation>Открыть файл FITS, PNG, JPEG или TIFF (Ctrl+O)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>В&amp;ыход</translation>
    </message>
    <message>
        <source>&amp;Fit</source>
        <translation>&amp;Вписать</translation>
    </message>
    <message>
        <source>Fit the image to the window (Ctrl+0)</source>
        <translation>Вписать изображение в окно (Ctrl+0)</translation>
    </message>
    <message>
        <source>&amp;1:1</source>
        <translation>&amp;1:1</translation>
    </message>
    <message>
        <source>One image pixel per screen pixel (Ctrl+1)</source>
        <translation>Один пиксель изображения на пиксель экрана (Ctrl+1)</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>&amp;Увеличить</translation>
    </message>
    <message>
        <source>Zoom in (Ctrl++)</source>
        <translation>Увеличить (Ctrl++)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>У&amp;меньшить</translation>
    </message>
    <message>
        <source>Zoom out (Ctrl+-)</source>
        <translation>Уменьшить (Ctrl+-)</translation>
    </message>
    <message>
        <source>&amp;Next Plane</source>
        <translation>&amp;Следующая плоскость</translation>
    </message>
    <message>
        <source>&amp;Previous Plane</source>
        <translation>&amp;Предыдущая плоскость</translation>
    </message>
    <message>
        <source>&amp;About CosmoCLIP</source>
        <translation>&amp;О программе CosmoCLIP</translation>
    </message>
    <message>
        <source>About CosmoCLIP</source>
        <translation>О программе CosmoCLIP</translation>
    </message>
    <message>
        <source>&lt;b&gt;CosmoCLIP %1&lt;/b&gt;&lt;p&gt;Vision-language search and labelling for sky images.&lt;/p&gt;</source>
        <translation>&lt;b&gt;CosmoCLIP %1&lt;/b&gt;&lt;p&gt;Поиск и разметка снимков неба с помощью моделей «изображение — текст».&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&amp;New Catalog…</source>
        <translation>&amp;Новый каталог…</translation>
    </message>
    <message>
        <source>Create an empty catalog file (Ctrl+Shift+N)</source>
        <translation>Создать пустой файл каталога (Ctrl+Shift+N)</translation>
    </message>
    <message>
        <source>Open &amp;Catalog…</source>
        <translation>Открыть &amp;каталог…</translation>
    </message>
    <message>
        <source>Open a catalog file (Ctrl+Shift+O)</source>
        <translation>Открыть файл каталога (Ctrl+Shift+O)</translation>
    </message>
    <message>
        <source>Add &amp;Folder to Catalog…</source>
        <translation>Добавить &amp;папку в каталог…</translation>
    </message>
    <message>
        <source>Index a folder of images into the catalog (Ctrl+I); dropping folders works too</source>
        <translation>Проиндексировать папку изображений в каталог (Ctrl+I); можно и перетащить папку в окно</translation>
    </message>
    <message>
        <source>Add Files to Catalog…</source>
        <translation>Добавить файлы в каталог…</translation>
    </message>
    <message>
        <source>&amp;Find…</source>
        <translation>&amp;Найти…</translation>
    </message>
    <message>
        <source>Type labels with commas, or a search phrase (Ctrl+F)</source>
        <translation>Введите метки через запятую или поисковую фразу (Ctrl+F)</translation>
    </message>
    <message>
        <source>No catalog to search</source>
        <translation>Нет каталога для поиска</translation>
    </message>
    <message>
        <source>Open a catalog (Ctrl+Shift+O) or create one (Ctrl+Shift+N) first.</source>
        <translation>Сначала откройте каталог (Ctrl+Shift+O) или создайте новый (Ctrl+Shift+N).</translation>
    </message>
    <message>
        <source>Find &amp;Similar</source>
        <translation>Найти &amp;похожие</translation>
    </message>
    <message>
        <source>Rank the catalog by similarity to the selected image (Ctrl+Shift+F)</source>
        <translation>Упорядочить каталог по сходству с выбранным изображением (Ctrl+Shift+F)</translation>
    </message>
    <message>
        <source>&amp;Back to Catalog</source>
        <translation>&amp;Вернуться к каталогу</translation>
    </message>
    <message>
        <source>F&amp;ull Screen</source>
        <translation>Полно&amp;экранный режим</translation>
    </message>
    <message>
        <source>&amp;Night Vision</source>
        <translation>&amp;Ночной режим</translation>
    </message>
    <message>
        <source>Red on black, images in red only: keeps your eyes dark-adapted at the telescope (Ctrl+Alt+N)</source>
        <translation>Красное на чёрном, изображения только в красном: глаза у телескопа сохраняют темновую адаптацию (Ctrl+Alt+N)</translation>
    </message>
    <message>
        <source>&amp;Models…</source>
        <translation>&amp;Модели…</translation>
    </message>
    <message>
        <source>The catalog&apos;s models, their cards, and the active one (Ctrl+Shift+M)</source>
        <translation>Модели каталога, их карточки и активная модель (Ctrl+Shift+M)</translation>
    </message>
    <message>
        <source>Add Model &amp;Folder…</source>
        <translation>Добавить &amp;папку модели…</translation>
    </message>
    <message>
        <source>Add OpenAI &amp;.pt File…</source>
        <translation>Добавить файл OpenAI &amp;.pt…</translation>
    </message>
    <message>
        <source>&amp;Fine-tune…</source>
        <translation>&amp;Дообучить…</translation>
    </message>
    <message>
        <source>Teach a model the catalog&apos;s labels and captions (as `cosmoclip finetune`)</source>
        <translation>Научить модель меткам и подписям каталога (как `cosmoclip finetune`)</translation>
    </message>
    <message>
        <source>&amp;Training Dashboard</source>
        <translation>Панель &amp;обучения</translation>
    </message>
    <message>
        <source>The running fine-tune and the catalog&apos;s past runs</source>
        <translation>Текущее дообучение и прошлые запуски каталога</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>Недавние &amp;файлы</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>&amp;Поиск</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Вид</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>&amp;Модель</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Справка</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Язык</translation>
    </message>
    <message>
        <source>&amp;System (%1)</source>
        <translation>&amp;Системный (%1)</translation>
    </message>
    <message>
        <source>Language: %1</source>
        <translation>Язык: %1</translation>
    </message>
    <message>
        <source>CosmoCLIP will be in %1 from its next start.</source>
        <translation>Язык «%1» будет включён при следующем запуске CosmoCLIP.</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Язык</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>ОК</translation>
    </message>
    <message>
        <source>Header/data unit shown (tables cannot be displayed)</source>
        <translation>Показываемый блок HDU (таблицы показать нельзя)</translation>
    </message>
    <message>
        <source>&amp;HDU</source>
        <translation>&amp;HDU</translation>
    </message>
    <message>
        <source>&amp;Stretch</source>
        <translation>&amp;Растяжка</translation>
    </message>
    <message>
        <source>The model that embeds, labels and searches the catalog</source>
        <translation>Модель, которая вычисляет эмбеддинги, размечает каталог и ищет в нём</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>Запрос</translation>
    </message>
    <message>
        <source>Zoom %1 %</source>
        <translation>Масштаб %1 %</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Загрузка %1…</translation>
    </message>
    <message>
        <source>Open Image</source>
        <translation>Открыть изображение</translation>
    </message>
    <message>
        <source>No catalog open</source>
        <translation>Каталог не открыт</translation>
    </message>
    <message>
        <source>Models are kept in a catalog: open or create one first.</source>
        <translation>Модели хранятся в каталоге: сначала откройте или создайте его.</translation>
    </message>
    <message>
        <source>Fine-tuning learns from a catalog&apos;s images: open or create one first.</source>
        <translation>Дообучение идёт на изображениях каталога: сначала откройте или создайте его.</translation>
    </message>
    <message>
        <source>Model %1 is active</source>
        <translation>Активна модель %1</translation>
    </message>
    <message>
        <source>This catalog has no model yet</source>
        <translation>В этом каталоге пока нет модели</translation>
    </message>
    <message>
        <source>Add one with Model › Add Model Folder… (a Hugging Face or open_clip folder) or Add OpenAI .pt File…; images are embedded with it when you add them.</source>
        <translation>Добавьте её через Модель › Добавить папку модели… (папка Hugging Face или open_clip) или «Добавить файл OpenAI .pt…»; эмбеддинги изображений вычисляются ею при добавлении.</translation>
    </message>
    <message>
        <source>Labelled %1</source>
        <translation>Размечено: %1</translation>
    </message>
    <message>
        <source>Added %1, updated %2, unchanged %3, failed %4; %5 images in the catalog</source>
        <translation>Добавлено: %1, обновлено: %2, без изменений: %3, с ошибкой: %4; всего в каталоге изображений: %5</translation>
    </message>
    <message>
        <source>Caption saved</source>
        <translation>Подпись сохранена</translation>
    </message>
    <message>
        <source>Opened catalog %1</source>
        <translation>Открыт каталог %1</translation>
    </message>
    <message>
        <source>No image selected</source>
        <translation>Изображение не выбрано</translation>
    </message>
    <message>
        <source>Select an image in the catalog, then Find Similar ranks the others by it.</source>
        <translation>Выберите изображение в каталоге — «Найти похожие» упорядочит по нему остальные.</translation>
    </message>
    <message>
        <source>No images selected</source>
        <translation>Изображения не выбраны</translation>
    </message>
    <message>
        <source>(no model)</source>
        <translation>(нет модели)</translation>
    </message>
    <message>
        <source>(no catalog)</source>
        <translation>(нет каталога)</translation>
    </message>
    <message>
        <source>Add Model Folder…</source>
        <translation>Добавить папку модели…</translation>
    </message>
    <message>
        <source>Add OpenAI .pt File…</source>
        <translation>Добавить файл OpenAI .pt…</translation>
    </message>
    <message>
        <source>Manage Models…</source>
        <translation>Управление моделями…</translation>
    </message>
    <message>
        <source>New Catalog</source>
        <translation>Новый каталог</translation>
    </message>
    <message>
        <source>Open Catalog</source>
        <translation>Открыть каталог</translation>
    </message>
    <message>
        <source>Add Folder to Catalog</source>
        <translation>Добавить папку в каталог</translation>
    </message>
    <message>
        <source>Add Files to Catalog</source>
        <translation>Добавить файлы в каталог</translation>
    </message>
    <message>
        <source>%1 files have no FITS header.</source>
        <translation>У файлов %1 нет заголовка FITS.</translation>
    </message>
    <message>
        <source>Loaded %1 in %2 ms, rendered in %3 ms</source>
        <translation>%1: загрузка %2 мс, отрисовка %3 мс</translation>
    </message>
    <message>
        <source>Rendered in %1 ms</source>
        <translation>Отрисовка: %1 мс</translation>
    </message>
    <message>
        <source>Could not open %1</source>
        <translation>Не удалось открыть %1</translation>
    </message>
    <message>
        <source>Could not open %1: %2</source>
        <translation>Не удалось открыть %1: %2</translation>
    </message>
    <message>
        <source>Could not display %1</source>
        <translation>Не удалось показать %1</translation>
    </message>
    <message>
        <source>Could not display %1: %2</source>
        <translation>Не удалось показать %1: %2</translation>
    </message>
    <message>
        <source>Select images in the grid, or choose “All images”.</source>
        <translation>Выберите изображения в сетке или укажите «Все изображения».</translation>
    </message>
</context>
<context>
    <name>cosmoclip::ModelLoadJob</name>
    <message>
        <source>Loading model %1</source>
        <translation>Загрузка модели %1</translation>
    </message>
</context>
<context>
    <name>cosmoclip::ModelManagerDialog</name>
    <message>
        <source>Use This Model</source>
        <translation>Использовать эту модель</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Модели</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>Архитектура</translation>
    </message>
    <message>
        <source>Embedding</source>
        <translation>Эмбеддинг</translation>
    </message>
    <message>
        <source>Images embedded</source>
        <translation>С эмбеддингами</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>Путь</translation>
    </message>
    <message>
        <source>Add Model Folder…</source>
        <translation>Добавить папку модели…</translation>
    </message>
    <message>
        <source>A Hugging Face CLIP folder (config.json, model.safetensors, vocab.json) or an open_clip folder</source>
        <translation>Папка CLIP в формате Hugging Face (config.json, model.safetensors, vocab.json) или папка open_clip</translation>
    </message>
    <message>
        <source>Add OpenAI .pt File…</source>
        <translation>Добавить файл OpenAI .pt…</translation>
    </message>
    <message>
        <source>An OpenAI CLIP TorchScript file; its tokenizer must lie beside it</source>
        <translation>Файл TorchScript модели CLIP от OpenAI; токенизатор должен лежать рядом</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>The active model</source>
        <translation>Активная модель</translation>
    </message>
    <message>
        <source>(not loaded)</source>
        <translation>(не загружена)</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 из %2</translation>
    </message>
    <message>
        <source>Evaluation (test split, %1 images): zero-shot top-1 %2, top-5 %3, image→text R@10 %4, text→image R@10 %5</source>
        <translation>Оценка (тестовая выборка, изображений: %1): классификация без обучения (zero-shot) top-1 %2, top-5 %3, изображение→текст R@10 %4, текст→изображение R@10 %5</translation>
    </message>
    <message>
        <source>Evaluation: none recorded with this model (run Compare with Base or cosmoclip eval)</source>
        <translation>Оценка: для этой модели не записана (запустите «Сравнить с базовой» или cosmoclip eval)</translation>
    </message>
    <message>
        <source>This catalog has no model yet. Add a Hugging Face or open_clip folder, or an OpenAI .pt file: its images are embedded with it when you add or search them.</source>
        <translation>В этом каталоге пока нет модели. Добавьте папку Hugging Face или open_clip либо файл OpenAI .pt: ею вычисляются эмбеддинги изображений при добавлении и поиске.</translation>
    </message>
    <message>
        <source> — active</source>
        <translation> — активна</translation>
    </message>
    <message>
        <source>Architecture: %1 (%2)&lt;br&gt;</source>
        <translation>Архитектура: %1 (%2)&lt;br&gt;</translation>
    </message>
    <message>
        <source>Architecture: shown once the model is loaded (Use This Model)&lt;br&gt;</source>
        <translation>Архитектура: будет показана после загрузки модели («Использовать эту модель»)&lt;br&gt;</translation>
    </message>
    <message>
        <source>Source: %1&lt;br&gt;</source>
        <translation>Источник: %1&lt;br&gt;</translation>
    </message>
    <message>
        <source>Weights: %1, SHA-256 %2…&lt;br&gt;</source>
        <translation>Веса: %1, SHA-256 %2…&lt;br&gt;</translation>
    </message>
    <message>
        <source>Embedding: %1 dimensions, input %2 × %2 px&lt;br&gt;</source>
        <translation>Эмбеддинг: размерность %1, вход %2 × %2 пкс&lt;br&gt;</translation>
    </message>
    <message>
        <source>Images embedded: %1 of %2&lt;br&gt;</source>
        <translation>Изображений с эмбеддингами: %1 из %2&lt;br&gt;</translation>
    </message>
    <message>
        <source>Added: %1&lt;br&gt;</source>
        <translation>Добавлена: %1&lt;br&gt;</translation>
    </message>
    <message>
        <source>Add Model Folder</source>
        <translation>Добавить папку модели</translation>
    </message>
    <message>
        <source>Add OpenAI .pt File</source>
        <translation>Добавить файл OpenAI .pt</translation>
    </message>
    <message>
        <source>TorchScript CLIP (*.pt);;All files (*)</source>
        <translation>CLIP в TorchScript (*.pt);;Все файлы (*)</translation>
    </message>
    <message>
        <source>Tokenizer Folder for %1 (vocab.json + merges.txt, or bpe_simple_vocab_16e6.txt.gz)</source>
        <translation>Папка токенизатора для %1 (vocab.json + merges.txt или bpe_simple_vocab_16e6.txt.gz)</translation>
    </message>
    <message>
        <source>Use Downloaded Model</source>
        <translation>Использовать скачанную модель</translation>
    </message>
    <message>
        <source>Download from Hugging Face…</source>
        <translation>Скачать с Hugging Face…</translation>
    </message>
    <message>
        <source>Download a CLIP such as openai/clip-vit-base-patch32 from the Hugging Face hub</source>
        <translation>Скачать модель CLIP, например openai/clip-vit-base-patch32, с хаба Hugging Face</translation>
    </message>
    <message>
        <source>Downloading %1…</source>
        <translation>Загрузка %1…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>Download from Hugging Face</source>
        <translation>Скачать с Hugging Face</translation>
    </message>
    <message>
        <source>Asking %1 for its files…</source>
        <translation>Запрос списка файлов %1…</translation>
    </message>
    <message>
        <source>Downloading %1
%2
%3 of %4</source>
        <translation>Загрузка %1
%2
%3 из %4</translation>
    </message>
    <message>
        <source>Download failed: %1</source>
        <translation>Загрузка не удалась: %1</translation>
    </message>
    <message>
        <source>Download of %1 cancelled. The partial files are kept: downloading it again resumes them.</source>
        <translation>Загрузка %1 отменена. Скачанные части сохранены: повторная загрузка продолжит их.</translation>
    </message>
    <message>
        <source>%1 is already downloaded (commit %2) in %3.</source>
        <translation>%1 уже скачана (коммит %2) в %3.</translation>
    </message>
    <message>
        <source>Downloaded %1 (commit %2) to %3.</source>
        <translation>%1 скачана (коммит %2) в %3.</translation>
    </message>
</context>
<context>
    <name>cosmoclip::PlaneSelector</name>
    <message>
        <source>RGB</source>
        <translation>RGB</translation>
    </message>
    <message>
        <source>Plane</source>
        <translation>Плоскость</translation>
    </message>
    <message>
        <source>Show planes 1-3 as one colour image; clear to view single planes</source>
        <translation>Показать плоскости 1–3 как одно цветное изображение; снимите флажок, чтобы смотреть плоскости по одной</translation>
    </message>
    <message>
        <source>Plane (1-based, as FITS counts NAXIS3; PageUp/PageDown step)</source>
        <translation>Плоскость (счёт с 1, как NAXIS3 в FITS; PageUp/PageDown — шаг)</translation>
    </message>
</context>
<context>
    <name>cosmoclip::QueryBar</name>
    <message>
        <source>Labels with commas: spiral galaxy, planetary nebula, globular cluster — or a search without commas: red emission nebula + 2:dust lanes</source>
        <translation>Запросы — по-английски. Метки через запятую: spiral galaxy, planetary nebula, globular cluster — или поиск без запятых: red emission nebula + 2:dust lanes</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;With commas&lt;/b&gt;: labels. Each image gets a probability for every label (zero-shot classification); the results are stored in the catalog and shown as chips.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Without commas&lt;/b&gt;: a search. Images are ranked by similarity to the phrase. Combine terms with + and -, weight them with 2: or 0.5:, and use an image file as a term (./m42.png).&lt;/p&gt;&lt;p&gt;Ctrl+F comes here; ↑ and ↓ recall recent queries.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Модель CLIP понимает английский, поэтому запросы пишите по-английски.&lt;/p&gt;&lt;p&gt;&lt;b&gt;С запятыми&lt;/b&gt; — метки. Каждое изображение получает вероятность для каждой метки (классификация без обучения, zero-shot); результаты сохраняются в каталоге и показываются плашками.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Без запятых&lt;/b&gt; — поиск. Изображения упорядочиваются по сходству с фразой. Объединяйте части запроса знаками + и -, задавайте им вес (2: или 0.5:), а в качестве части запроса можно указать файл изображения (./m42.png).&lt;/p&gt;&lt;p&gt;Ctrl+F переходит сюда; ↑ и ↓ вызывают недавние запросы.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Labels (99)</source>
        <translation>Метки (99)</translation>
    </message>
    <message>
        <source>All images</source>
        <translation>Все изображения</translation>
    </message>
    <message>
        <source>Selected images</source>
        <translation>Выбранные изображения</translation>
    </message>
    <message>
        <source>Which images labels are computed for (a search always ranks every image that passes the filters)</source>
        <translation>Для каких изображений вычислять метки (поиск всегда упорядочивает все изображения, прошедшие фильтры)</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Выполнить</translation>
    </message>
    <message>
        <source>Run the query (Enter)</source>
        <translation>Выполнить запрос (Enter)</translation>
    </message>
    <message>
        <source>Labels (%1)</source>
        <translation>Метки (%1)</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Поиск</translation>
    </message>
</context>
<context>
    <name>cosmoclip::RecentFiles</name>
    <message>
        <source>Clear Recent Files</source>
        <translation>Очистить список недавних файлов</translation>
    </message>
</context>
<context>
    <name>cosmoclip::SearchJob</name>
    <message>
        <source>Finding similar images</source>
        <translation>Поиск похожих изображений</translation>
    </message>
    <message>
        <source>Searching “%1”</source>
        <translation>Поиск «%1»</translation>
    </message>
    <message>
        <source>Embedding %1</source>
        <translation>Вычисление эмбеддинга %1</translation>
    </message>
</context>
<context>
    <name>cosmoclip::ThumbnailDelegate</name>
    <message>
        <source>unreadable</source>
        <translation>не читается</translation>
    </message>
</context>
<context>
    <name>cosmoclip::TrainingDashboard</name>
    <message>
        <source>%1 s</source>
        <translation>%1 с</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 мин %2 с</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 ч %2 мин</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Обучение</translation>
    </message>
    <message>
        <source>No training running. Model › Fine-tune… starts one.</source>
        <translation>Обучение не идёт. Запустить его можно через Модель › Дообучить….</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Пауза</translation>
    </message>
    <message>
        <source>Stops after the current step with everything saved; Resume goes on from there</source>
        <translation>Останавливает после текущего шага, всё сохраняется; «Продолжить» продолжит с этого места</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>&amp;Отменить</translation>
    </message>
    <message>
        <source>Compare with &amp;Base</source>
        <translation>Сравнить с &amp;базовой</translation>
    </message>
    <message>
        <source>Zero-shot and retrieval metrics of the base and the fine-tuned model on the test split</source>
        <translation>Метрики классификации без обучения (zero-shot) и поиска для базовой и дообученной модели на тестовой выборке</translation>
    </message>
    <message>
        <source>&amp;Use This Model</source>
        <translation>&amp;Использовать эту модель</translation>
    </message>
    <message>
        <source>Make the fine-tuned model the catalog&apos;s current model</source>
        <translation>Сделать дообученную модель текущей моделью каталога</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Журнал</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Запуск</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Начат</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <source>Best top-1 %</source>
        <translation>Лучший top-1, %</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>Базовая модель</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>Результат</translation>
    </message>
    <message>
        <source>Past Runs</source>
        <translation>Прошлые запуски</translation>
    </message>
    <message>
        <source>Base</source>
        <translation>Базовая</translation>
    </message>
    <message>
        <source>Fine-tuned</source>
        <translation>Дообученная</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Изменение</translation>
    </message>
    <message>
        <source>Comparison (%)</source>
        <translation>Сравнение (%)</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>Потери</translation>
    </message>
    <message>
        <source>step</source>
        <translation>шаг</translation>
    </message>
    <message>
        <source>contrastive loss</source>
        <translation>контрастная функция потерь</translation>
    </message>
    <message>
        <source>train (per step)</source>
        <translation>обучение (по шагам)</translation>
    </message>
    <message>
        <source>validation (per epoch)</source>
        <translation>проверка (по эпохам)</translation>
    </message>
    <message>
        <source>Validation metrics</source>
        <translation>Метрики на проверочной выборке</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>эпоха</translation>
    </message>
    <message>
        <source>fraction</source>
        <translation>доля</translation>
    </message>
    <message>
        <source>zero-shot top-1</source>
        <translation>top-1 без обучения</translation>
    </message>
    <message>
        <source>image→text recall@5</source>
        <translation>полнота изображение→текст @5</translation>
    </message>
    <message>
        <source>A run is going on: cancel it before starting another.</source>
        <translation>Уже идёт запуск: отмените его, прежде чем начинать новый.</translation>
    </message>
    <message>
        <source>Resuming from %1…</source>
        <translation>Продолжение из %1…</translation>
    </message>
    <message>
        <source>Reading the training images…</source>
        <translation>Чтение обучающих изображений…</translation>
    </message>
    <message>
        <source>Run %1: fine-tuning %2 on %3 images, validating on %4.</source>
        <translation>Запуск %1: дообучение %2 (обучающих изображений: %3, проверочных: %4).</translation>
    </message>
    <message>
        <source>step %1 of %2</source>
        <translation>шаг %1 из %2</translation>
    </message>
    <message>
        <source> — about %1 left</source>
        <translation> — осталось около %1</translation>
    </message>
    <message>
        <source>epoch %1: train loss %2, validation loss %3, top-1 %4 %, image→text R@5 %5 % (%6)</source>
        <translation>эпоха %1: потери на обучении %2, на проверке %3, top-1 %4 %, изображение→текст R@5 %5 % (%6)</translation>
    </message>
    <message>
        <source>Training failed: %1</source>
        <translation>Обучение завершилось ошибкой: %1</translation>
    </message>
    <message numerus="yes">
        <source>Paused after %n step(s); Resume goes on from %1.</source>
        <translation>
            <numerusform>Пауза после %n шага; «Продолжить» продолжит из %1.</numerusform>
            <numerusform>Пауза после %n шагов; «Продолжить» продолжит из %1.</numerusform>
            <numerusform>Пауза после %n шагов; «Продолжить» продолжит из %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Cancelled after %n step(s). The state is kept in %1/last.</source>
        <translation>
            <numerusform>Отменено после %n шага. Состояние сохранено в %1/last.</numerusform>
            <numerusform>Отменено после %n шагов. Состояние сохранено в %1/last.</numerusform>
            <numerusform>Отменено после %n шагов. Состояние сохранено в %1/last.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>done: %n step(s)</source>
        <translation>
            <numerusform>готово: %n шаг</numerusform>
            <numerusform>готово: %n шага</numerusform>
            <numerusform>готово: %n шагов</numerusform>
        </translation>
    </message>
    <message>
        <source>Finished: the best epoch (%1, zero-shot top-1 %2 %) is saved in %3.</source>
        <translation>Готово: лучшая эпоха (%1, top-1 без обучения %2 %) сохранена в %3.</translation>
    </message>
    <message>
        <source>Pausing after the current step…</source>
        <translation>Пауза после текущего шага…</translation>
    </message>
    <message>
        <source>Cancelling after the current step…</source>
        <translation>Отмена после текущего шага…</translation>
    </message>
    <message>
        <source>Cancelled; the paused run stays in the history.</source>
        <translation>Отменено; приостановленный запуск остаётся в истории.</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Продолжить</translation>
    </message>
    <message>
        <source>Cannot read the run history: %1</source>
        <translation>Не удаётся прочитать историю запусков: %1</translation>
    </message>
    <message numerus="yes">
        <source>Run %1 (%2), %n epoch(s) recorded.</source>
        <translation>
            <numerusform>Запуск %1 (%2), записана %n эпоха.</numerusform>
            <numerusform>Запуск %1 (%2), записано %n эпохи.</numerusform>
            <numerusform>Запуск %1 (%2), записано %n эпох.</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot read run %1: %2</source>
        <translation>Не удаётся прочитать запуск %1: %2</translation>
    </message>
    <message>
        <source>Comparing the base and the fine-tuned model on the test split…</source>
        <translation>Сравнение базовой и дообученной модели на тестовой выборке…</translation>
    </message>
    <message>
        <source>embedding test images: %1 of %2</source>
        <translation>эмбеддинги тестовых изображений: %1 из %2</translation>
    </message>
    <message>
        <source>Comparison failed: %1</source>
        <translation>Сравнение не удалось: %1</translation>
    </message>
    <message>
        <source>zero-shot top-5</source>
        <translation>top-5 без обучения</translation>
    </message>
    <message>
        <source>image→text R%1</source>
        <translation>изображение→текст R%1</translation>
    </message>
    <message>
        <source>text→image R%1</source>
        <translation>текст→изображение R%1</translation>
    </message>
    <message>
        <source>Test split: %1 images, %2 labelled, %3 captions.</source>
        <translation>Тестовая выборка: изображений — %1, с метками — %2, подписей — %3.</translation>
    </message>
</context>
<context>
    <name>cosmoclip::TrainingEstimateJob</name>
    <message>
        <source>Timing a training step of %1</source>
        <translation>Замер шага обучения %1</translation>
    </message>
</context>
<context>
    <name>cosmoclip::TrainingJob</name>
    <message>
        <source>Fine-tuning %1</source>
        <translation>Дообучение %1</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>CosmoCLIP: browse, label and search sky images</source>
        <translation>CosmoCLIP: просмотр, разметка и поиск снимков неба</translation>
    </message>
    <message>
        <source>Save the window as OUT.png once everything asked for is shown, then quit.</source>
        <translation>Сохранить окно в OUT.png, когда всё запрошенное будет показано, и выйти.</translation>
    </message>
    <message>
        <source>Window size, e.g. 1280x800.</source>
        <translation>Размер окна, например 1280x800.</translation>
    </message>
    <message>
        <source>Open this catalog (created when missing) instead of the last one.</source>
        <translation>Открыть этот каталог (создаётся, если его нет) вместо последнего.</translation>
    </message>
    <message>
        <source>Make this model folder or .pt active.</source>
        <translation>Сделать активной модель из этой папки или файла .pt.</translation>
    </message>
    <message>
        <source>Add a file or folder to the catalog (repeatable).</source>
        <translation>Добавить файл или папку в каталог (можно повторять).</translation>
    </message>
    <message>
        <source>Run a query: labels with commas, else a search.</source>
        <translation>Выполнить запрос: метки через запятую, иначе поиск.</translation>
    </message>
    <message>
        <source>Select the N-th image of the grid (0 first).</source>
        <translation>Выбрать N-е изображение сетки (счёт с 0).</translation>
    </message>
    <message>
        <source>Find images similar to the selected one.</source>
        <translation>Найти изображения, похожие на выбранное.</translation>
    </message>
    <message>
        <source>Show a dialog: models, or finetune (the wizard&apos;s data page).</source>
        <translation>Показать окно: models (модели) или finetune (страница данных мастера дообучения).</translation>
    </message>
    <message>
        <source>Fine-tune the active model for EPOCHS epochs with the wizard&apos;s other defaults (batch 8) and show the training dashboard.</source>
        <translation>Дообучить активную модель за EPOCHS эпох с остальными настройками мастера по умолчанию (пакет 8) и показать панель обучения.</translation>
    </message>
    <message>
        <source>Start in red night-vision mode.</source>
        <translation>Запустить в красном ночном режиме.</translation>
    </message>
    <message>
        <source>Language of the window: system, en or ru (default: the choice in View › Language).</source>
        <translation>Язык окна: system, en или ru (по умолчанию — выбор в меню Вид › Язык).</translation>
    </message>
    <message>
        <source>Image to open.</source>
        <translation>Изображение, которое нужно открыть.</translation>
    </message>
</context>
</TS>
